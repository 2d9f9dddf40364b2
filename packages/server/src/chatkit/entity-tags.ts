/**
 * @module chatkit/entity-tags: which `input_tag`s a user message may carry. Tags are client data, and agents
 * (and the host, through webhooks) may act on a tag's `id` and `data`, so Parley re-authorizes each one: an
 * `agent:<id>` tag without data must name an agent of the thread; any other tag must carry the host's signature
 * in `data.parley_sig`: base64url HMAC-SHA256 under CHATKIT_ENTITY_SECRET of `user id \n tag id \n data`, the data
 * (without `parley_sig`) as JSON with sorted keys. The host signs the entities its `onTagSearch` hands to the
 * user it serves; a forged, altered or another user's tag is refused (403).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isAgentUserId, type UserMessageInput } from '@parley/protocol';
import { AppError } from '../errors.js';

export const SIGNATURE_KEY = 'parley_sig';

type Tag = Extract<UserMessageInput['content'][number], { type: 'input_tag' }>;

/** JSON with object keys sorted at every depth: the form both sides sign. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The signature a host puts in `data.parley_sig` for this user and entity. */
export function entitySignature(secret: string, userId: string, id: string, data: Record<string, unknown>): string {
  const { [SIGNATURE_KEY]: _sig, ...rest } = data;
  return createHmac('sha256', secret)
    .update(`${userId}\n${id}\n${canonicalJson(rest)}`)
    .digest('base64url');
}

function signedBy(secret: string | undefined, userId: string, tag: Tag): boolean {
  const given = tag.data[SIGNATURE_KEY];
  if (!secret || typeof given !== 'string') return false;
  const want = Buffer.from(entitySignature(secret, userId, tag.id, tag.data));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Checks every tag of the input and returns the agents the tags name (agent tags mention them). `agents` are
 * the thread's agent participants (`agent:<id>`).
 */
export function authorizeTags(input: UserMessageInput, userId: string, agents: ReadonlySet<string>, secret: string | undefined): string[] {
  const mentioned: string[] = [];
  for (const c of input.content) {
    if (c.type !== 'input_tag') continue;
    const tag = c as Tag;
    const bare = Object.keys(tag.data).length === 0;
    if (isAgentUserId(tag.id) && bare) {
      if (!agents.has(tag.id)) throw new AppError('INVALID_INPUT', `input_tag ${tag.id} is not an agent of this thread`);
      mentioned.push(tag.id);
      continue;
    }
    if (!signedBy(secret, userId, tag)) {
      throw new AppError(
        'FORBIDDEN',
        secret
          ? `input_tag ${tag.id} is not signed for this user by the host (data.${SIGNATURE_KEY})`
          : `input_tag ${tag.id} cannot be accepted: host entity tags need CHATKIT_ENTITY_SECRET and a signature`,
      );
    }
    if (isAgentUserId(tag.id) && agents.has(tag.id)) mentioned.push(tag.id);
  }
  return mentioned;
}
