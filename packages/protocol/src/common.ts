/** @module common: field schemas shared by the Management and Chat APIs (ids, byte-limited text, scopes). */
import { z } from 'zod';
import { LIMITS, utf8Length } from './limits.js';

/** A string of at most `max` UTF-8 bytes; the message names the field as MTChat does. */
export function byteText(field: string, max: number) {
  return z.string().refine((v) => utf8Length(v) <= max, {
    message: `${field} exceeds maximum length of ${max} characters`,
  });
}

/** An external identifier chosen by the host application (user_id, object_id, ...). */
export function externalId(field: string, max: number = LIMITS.idChars) {
  return z
    .string()
    .min(1, { message: `${field} must not be empty` })
    .max(max, { message: `${field} exceeds maximum length of ${max} characters` });
}

export const Uuid = z.uuid({ message: 'must be a UUID' });

/** One access-scope row as a request gives it. `tenant_uid` is accepted as an alias for level 0. */
const scopeValues = z.array(z.string().max(LIMITS.scopeValueChars)).max(LIMITS.scopeValuesPerLevel);
export const ScopeInput = z
  .object({
    scope_level0: scopeValues.optional(),
    scope_level1: scopeValues.optional(),
    scope_level2: scopeValues.optional(),
    tenant_uid: z.union([z.string().max(LIMITS.scopeValueChars), scopeValues]).optional(),
  })
  .transform((s) => {
    const tenant = s.tenant_uid === undefined ? [] : Array.isArray(s.tenant_uid) ? s.tenant_uid : [s.tenant_uid];
    return {
      scope_level0: normalizeLevel([...(s.scope_level0 ?? []), ...tenant]),
      scope_level1: normalizeLevel(s.scope_level1 ?? []),
      scope_level2: normalizeLevel(s.scope_level2 ?? []),
    };
  });
export type Scope = z.output<typeof ScopeInput>;

/** Sorted and de-duplicated: the canonical form two scope rows are compared in. */
export function normalizeLevel(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

export const EMPTY_SCOPE: Scope = { scope_level0: [], scope_level1: [], scope_level2: [] };

/** A person's profile inside one dialog. */
export const ParticipantProfileInput = z.object({
  display_name: byteText('display_name', LIMITS.displayNameBytes).refine((v) => v.trim().length > 0, {
    message: 'display_name is required',
  }),
  company: byteText('company', LIMITS.companyBytes).nullish(),
  email: byteText('email', LIMITS.emailBytes).nullish(),
  phone: byteText('phone', LIMITS.phoneBytes).nullish(),
});

/** A participant the host adds. For an agent (`agent:<id>`) display_name is optional: the agent's own is used. */
export const ParticipantInput = ParticipantProfileInput.extend({
  user_id: externalId('user_id'),
  display_name: ParticipantProfileInput.shape.display_name.optional(),
}).superRefine((p, ctx) => {
  if (p.display_name === undefined && !p.user_id.startsWith('agent:')) {
    ctx.addIssue({ code: 'custom', path: ['display_name'], message: 'display_name is required' });
  }
});
export type ParticipantInput = z.output<typeof ParticipantInput>;

/**
 * A dialog's link to its business object, which UIs render as a link: an absolute http(s) URL or a path on the
 * host's own site (`/orders/42`). Anything else (`javascript:`, `data:`, a protocol-relative `//host`) is refused.
 */
export function isSafeObjectUrl(value: string): boolean {
  if (value.startsWith('/')) return !value.startsWith('//') && !value.startsWith('/\\');
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
