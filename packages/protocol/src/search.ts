/** @module search: full-text message search on the Chat API (the dialogs a user takes part in) and the Management API (all). */
import { z } from 'zod';
import { externalId, Uuid } from './common.js';
import { LIMITS } from './limits.js';
import { Message } from './models.js';

const moment = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'must be an RFC 3339 date-time or a YYYY-MM-DD date' });

/** The query of both search routes. `q` uses web-search syntax ("a phrase", -exclude, OR); the last word also matches as a prefix. */
export const SearchMessagesQuery = z.object({
  q: z
    .string()
    .max(LIMITS.searchQueryChars, { message: `q exceeds maximum length of ${LIMITS.searchQueryChars} characters` })
    .refine((v) => v.trim().length > 0, { message: 'q is required' }),
  order: z.enum(['relevance', 'newest']).default('newest'),
  dialog_id: Uuid.optional(),
  sender_id: externalId('sender_id').optional(),
  object_type: externalId('object_type', LIMITS.objectTypeChars).optional(),
  before: moment.optional(),
  after: moment.optional(),
  has: z.enum(['attachment']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,9}$/, { message: 'must be a non-negative integer' })
    .transform((v) => Math.max(1, Math.min(Number(v), LIMITS.searchPageMax)))
    .optional(),
  cursor: z.string().max(512).optional(),
});
export type SearchMessagesQuery = z.output<typeof SearchMessagesQuery>;

/** The dialog a hit belongs to: enough to label it and to open the host's object. */
export const SearchHitDialog = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  object_id: z.string(),
  object_type: z.string(),
});

export const SearchHit = z.object({
  message: Message,
  dialog: SearchHitDialog,
  /** The text around the matches, HTML-escaped, each match inside <mark>…</mark> (no other markup). */
  snippet: z.string(),
  /** ts_rank of the message for this query (higher is better). */
  rank: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  hits: z.array(SearchHit),
  /** Pass as `cursor` (with the same query and filters) for the next page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;
