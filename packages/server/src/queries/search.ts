/**
 * @module queries/search: full-text message search (docs/search.md). The Chat API searches the dialogs the user
 * takes part in (the participating-list rule of queries/dialogs.ts); the Management API searches every dialog.
 * Matches come from the GIN-indexed search_tsv column (migration 0005); pages are keyset-paged on the order's
 * own key, so paging never skips or repeats a hit.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LIMITS, type SearchMessagesQuery, type SearchPage } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { AppError } from '../errors.js';
import { tsquerySql } from '../search/terms.js';
import { HEADLINE_OPTIONS, snippetHtml } from '../search/snippet.js';
import type { Actor } from '../security/identity.js';
import { attachmentsByMessage, withAttachments, type FileLinks } from './attachments.js';
import { participatingDialogIds } from './dialogs.js';
import { messageWire, type MessageRow } from './serialize.js';

/** Who searches: a Chat API user (their dialogs) or the host's back office (all dialogs). */
export type SearchReach = { actor: Actor } | { all: true };

interface Cursor {
  /** newest: the sent_at of the last hit in microseconds since the epoch; relevance: its rank as text. */
  k: string;
  i: string;
}

const badCursor = () => new AppError('INVALID_INPUT', 'cursor is not valid for this search');

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(value: string, order: 'newest' | 'relevance'): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const { k, i } = (c ?? {}) as Record<string, unknown>;
  const key = order === 'newest' ? /^-?\d{1,20}$/ : /^-?\d+(\.\d+)?(e-?\d+)?$/;
  if (typeof k !== 'string' || typeof i !== 'string' || !key.test(k) || !/^[0-9a-f-]{36}$/i.test(i)) throw badCursor();
  return { k, i };
}

/** A date-only bound means midnight UTC. */
const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

type Row = MessageRow & { title: string | null; object_id: string; object_type: string; rank: number; rank_text: string; sent_us: string; headline: string };

export async function searchMessages(
  db: Kysely<Database>,
  language: string,
  links: FileLinks,
  reach: SearchReach,
  q: SearchMessagesQuery,
): Promise<SearchPage> {
  const limit = q.limit ?? LIMITS.searchPageDefault;
  const query = tsquerySql(language, q.q);
  const rank = sql<number>`ts_rank(m.search_tsv, ${query})`;
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.order);

  const where: RawBuilder<unknown>[] = [sql`m.search_tsv @@ ${query}`];
  if ('actor' in reach) where.push(sql`m.dialog_id IN (${participatingDialogIds(db, reach.actor)})`);
  if (q.dialog_id !== undefined) where.push(sql`m.dialog_id = ${q.dialog_id}`);
  if (q.sender_id !== undefined) where.push(sql`m.sender_id = ${q.sender_id}`);
  if (q.object_type !== undefined) where.push(sql`d.object_type = ${q.object_type}`);
  if (q.before !== undefined) where.push(sql`m.sent_at < ${instant(q.before)}::timestamptz`);
  if (q.after !== undefined) where.push(sql`m.sent_at > ${instant(q.after)}::timestamptz`);
  if (q.has === 'attachment') where.push(sql`EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)`);
  if (cursor && q.order === 'newest') {
    where.push(sql`(m.sent_at, m.id) < ('epoch'::timestamptz + ${cursor.k}::bigint * interval '1 microsecond', ${cursor.i}::uuid)`);
  }
  if (cursor && q.order === 'relevance') where.push(sql`(${rank}, m.id) < (${cursor.k}::real, ${cursor.i}::uuid)`);
  const order = q.order === 'newest' ? sql`m.sent_at DESC, m.id DESC` : sql`${rank} DESC, m.id DESC`;

  // The page is chosen first; the rank and the headline (the costly part) are computed for its rows only.
  const result = await sql<Row>`
    SELECT page.*, ts_rank(page.search_tsv, ${query}) AS rank, ts_rank(page.search_tsv, ${query})::text AS rank_text,
      ts_headline(${language}::regconfig, parley_snippet_source(page.content, page.attachment_names), ${query}, ${HEADLINE_OPTIONS}) AS headline
    FROM (
      SELECT m.*, d.title, d.object_id, d.object_type, (extract(epoch FROM m.sent_at) * 1000000)::bigint::text AS sent_us
      FROM messages m JOIN dialogs d ON d.id = m.dialog_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY ${order}
      LIMIT ${limit + 1}
    ) page
    ORDER BY ${q.order === 'newest' ? sql`page.sent_at DESC, page.id DESC` : sql`rank DESC, page.id DESC`}`.execute(db);

  const rows = result.rows.slice(0, limit);
  const last = rows.at(-1);
  const more = result.rows.length > limit && last !== undefined;
  const attachments = await attachmentsByMessage(db, links, rows.map((r) => r.id));
  return {
    hits: rows.map((r) => ({
      message: withAttachments(messageWire(r), attachments.get(r.id)),
      dialog: { id: r.dialog_id, title: r.title, object_id: r.object_id, object_type: r.object_type },
      snippet: snippetHtml(r.headline),
      rank: Number(r.rank),
    })),
    next_cursor: more ? encodeCursor({ k: q.order === 'newest' ? last.sent_us : last.rank_text, i: last.id }) : null,
  };
}
