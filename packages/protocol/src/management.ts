/** @module management: request and response schemas of the Management API (host backend, admin token). */
import { z } from 'zod';
import { byteText, externalId, isSafeObjectUrl, ParticipantInput, ScopeInput, Uuid } from './common.js';
import { LIMITS, utf8Length } from './limits.js';
import { AccessScope, Dialog, Participant } from './models.js';
import { TokenChatKitOptions } from './agents.js';

export const CreateDialogBody = z.object({
  object_id: externalId('object_id'),
  object_type: externalId('object_type', LIMITS.objectTypeChars),
  title: byteText('title', LIMITS.titleBytes).nullish(),
  object_url: z
    .string()
    .max(LIMITS.objectUrlChars)
    .refine(isSafeObjectUrl, { message: 'object_url must be an http(s) URL or a path starting with /' })
    .nullish(),
  participants: z
    .array(ParticipantInput)
    .max(LIMITS.participantsPerRequest)
    .refine((ps) => new Set(ps.map((p) => p.user_id)).size === ps.length, {
      message: 'participants contains the same user_id twice',
    }),
  access_scopes: z.array(ScopeInput).max(LIMITS.scopesPerDialog).default([]),
  meta: z
    .unknown()
    .refine((m) => m === undefined || utf8Length(JSON.stringify(m)) <= LIMITS.metaBytes, {
      message: `meta exceeds maximum size of ${LIMITS.metaBytes} bytes`,
    })
    .optional(),
});
export type CreateDialogBody = z.output<typeof CreateDialogBody>;

export const SearchDialogBody = z.object({
  object_id: externalId('object_id'),
  object_type: externalId('object_type', LIMITS.objectTypeChars),
  access_scopes: z.array(ScopeInput).max(LIMITS.scopesPerDialog).default([]),
});

export const AddParticipantBody = ParticipantInput;

export const ReplaceScopesBody = z.object({
  access_scopes: z.array(ScopeInput).max(LIMITS.scopesPerDialog),
});

/** A host-asserted profile carried by a minted token; it wins over what a client sends on join. */
export const TokenProfile = z.object({
  display_name: byteText('display_name', LIMITS.displayNameBytes).refine((v) => v.trim().length > 0, {
    message: 'display_name is required',
  }),
  company: byteText('company', LIMITS.companyBytes).optional(),
  email: byteText('email', LIMITS.emailBytes).optional(),
  phone: byteText('phone', LIMITS.phoneBytes).optional(),
});
export type TokenProfile = z.output<typeof TokenProfile>;

/** A browser origin such as https://app.example.com (scheme, host and port only). */
export const Origin = z
  .string()
  .max(255)
  .refine((v) => URL.canParse(v) && new URL(v).origin === v, { message: 'must be an origin like https://app.example.com' });

export const MintTokenBody = z.object({
  user_id: externalId('user_id'),
  scope: ScopeInput.optional(),
  profile: TokenProfile.optional(),
  /** The pages the token may be used from (the ChatKit domain allow-list). */
  origins: z.array(Origin).min(1).max(50).optional(),
  ttl_seconds: z.number().int().min(1).optional(),
  /** ChatKit: the agent that threads.create puts in each new thread (docs/chatkit.md). */
  chatkit: TokenChatKitOptions.optional(),
});

export const DialogIdParams = z.object({ id: Uuid });
export const DialogParticipantParams = z.object({ id: Uuid, user_id: externalId('user_id') });

export const DialogDetails = Dialog.extend({
  participants: z.array(Participant),
  access_scopes: z.array(AccessScope),
});

export const MintedToken = z.object({ token: z.string(), expires_at: z.string() });
export { Uuid };
