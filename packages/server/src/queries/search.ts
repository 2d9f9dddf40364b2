/**
 * @module queries/search: full-text message search (docs/search.md). The Chat API searches the dialogs a user
 * takes part in (the participating-list rule of queries/dialogs.ts); the Management API searches every dialog.
 * Pages are keyset-paged on the order's own key, so paging never skips or repeats a hit.
 *
 * Both orders start from the newest matches, because PostgreSQL cannot tell from its statistics how many messages
 * a prefix matches:
 * - the newest WINDOW messages (sent_at index) are looked through first and their matches kept: when they hold
 *   enough, the answer is found in a bounded time however common the words are;
 * - otherwise the matches come from the GIN index alone, materialized first, and only then meet the dialogs and
 *   filters: left to itself, the planner trusts a guess of 2% for a prefix and reads every message of every
 *   dialog of the user instead. Its weak case: a common word for a user whose newest WINDOW messages hold too
 *   few matches (see docs/search.md).
 * Relevance order ranks the newest CANDIDATES matches only (found that way), not every match in the database:
 * ranking all of a common word's matches took seconds on a million messages.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LIMITS, type SearchMessagesQuery, type SearchPage } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { decodeCursor, encodeCursor } from '../search/cursor.js';
import { HEADLINE_OPTIONS, snippetHtml } from '../search/snippet.js';
import { tsquerySql } from '../search/terms.js';
import type { Actor } from '../security/identity.js';
import { attachmentsByMessage, withAttachments, type FileLinks } from './attachments.js';
import { participatingDialogIds } from './dialogs.js';
import { messageWire, type MessageRow } from './serialize.js';

/** Who searches: a Chat API user (their dialogs) or the host's back office (all dialogs). */
export type SearchReach = { actor: Actor } | { all: true };

/** How many of the newest messages the newest-first plan looks through before it asks the index. */
export const WINDOW = 10_000;

/** How many of the newest matches relevance order ranks. */
export const CANDIDATES = 200;

/** A date-only bound means midnight UTC. */
const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

type Row = MessageRow & {
  title: string | null;
  object_id: string;
  object_type: string;
  rank: number;
  rank_text: string;
  sent_us: string;
  headline: string;
};

export async function searchMessages(
  db: Kysely<Database>,
  language: string,
  links: FileLinks,
  reach: SearchReach,
  q: SearchMessagesQuery,
): Promise<SearchPage> {
  const limit = q.limit ?? LIMITS.searchPageDefault;
  const query = tsquerySql(language, q.q);
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.order);

  // The upper bounds of newest-first (before, cursor) also bound its window.
  const upper: RawBuilder<unknown>[] = [];
  if (q.before !== undefined) upper.push(sql`m.sent_at < ${instant(q.before)}::timestamptz`);
  if (cursor && q.order === 'newest') {
    upper.push(sql`(m.sent_at, m.id) < ('epoch'::timestamptz + ${cursor.k}::bigint * interval '1 microsecond', ${cursor.i}::uuid)`);
  }
  /** The dialogs the user may search (none: every dialog). */
  const mine = 'actor' in reach ? participatingDialogIds(db, reach.actor) : undefined;
  /** Everything but the text match, the user's dialogs and the relevance cursor, over a source `m` with id, dialog_id, sender_id, sent_at. */
  const filters: RawBuilder<unknown>[] = [];
  if (q.dialog_id !== undefined) filters.push(sql`m.dialog_id = ${q.dialog_id}`);
  if (q.sender_id !== undefined) filters.push(sql`m.sender_id = ${q.sender_id}`);
  if (q.object_type !== undefined)
    filters.push(sql`EXISTS (SELECT 1 FROM dialogs od WHERE od.id = m.dialog_id AND od.object_type = ${q.object_type})`);
  if (q.after !== undefined) filters.push(sql`m.sent_at > ${instant(q.after)}::timestamptz`);
  if (q.has === 'attachment') filters.push(sql`EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)`);
  filters.push(...upper);
  const and = (list: RawBuilder<unknown>[]) => (list.length ? sql.join(list, sql` AND `) : sql`true`);

  /** Picks the page's ids from `source`, then reads those rows whole, with rank and headline (the costly part). */
  const page = async (source: RawBuilder<unknown>, filter: RawBuilder<unknown>, sortKey: RawBuilder<unknown>) =>
    (
      await sql<Row>`
      SELECT msg.*, d.title, d.object_id, d.object_type, (extract(epoch FROM msg.sent_at) * 1000000)::bigint::text AS sent_us,
        ts_rank(msg.search_tsv, ${query}) AS rank, ts_rank(msg.search_tsv, ${query})::text AS rank_text,
        ts_headline(${language}::regconfig, parley_snippet_source(msg.content, msg.attachment_names), ${query}, ${HEADLINE_OPTIONS}) AS headline
      FROM (
        SELECT m.id, ${sortKey} AS sort_key
        FROM ${source}
        WHERE ${filter}
        ORDER BY ${sortKey} DESC, m.id DESC
        LIMIT ${limit + 1}
      ) page
      JOIN messages msg ON msg.id = page.id JOIN dialogs d ON d.id = msg.dialog_id
      ORDER BY page.sort_key DESC, page.id DESC`.execute(db)
    ).rows;

  // The two sources of the newest matches: the newest WINDOW messages (with the text match as a filter), and
  // the GIN index's matches alone.
  const window = sql`(SELECT m.id, m.dialog_id, m.sender_id, m.sent_at, m.search_tsv FROM messages m WHERE ${and(upper)}
    ORDER BY m.sent_at DESC, m.id DESC LIMIT ${WINDOW}) m`;
  const inWindow = and([sql`m.search_tsv @@ ${query}`, ...(mine ? [sql`m.dialog_id IN (${mine})`] : []), ...filters]);
  // The user's dialogs are materialized too, so that the matches meet them in one hash join: the planner's
  // guess of a few hundred matches otherwise probes the dialogs once per match, thousands of times.
  const matches = mine
    ? sql`(WITH hits AS MATERIALIZED (SELECT id, dialog_id, sender_id, sent_at FROM messages WHERE search_tsv @@ ${query}),
        mine AS MATERIALIZED (${mine})
      SELECT * FROM hits WHERE dialog_id IN (SELECT id FROM mine)) m`
    : sql`(WITH hits AS MATERIALIZED (SELECT id, dialog_id, sender_id, sent_at FROM messages WHERE search_tsv @@ ${query})
      SELECT * FROM hits) m`;

  let rows: Row[] = [];
  if (q.order === 'newest') {
    rows = await page(window, inWindow, sql`m.sent_at`);
    if (rows.length <= limit) rows = await page(matches, and(filters), sql`m.sent_at`);
  } else {
    const newest = async (source: RawBuilder<unknown>, filter: RawBuilder<unknown>) =>
      (
        await sql<{
          id: string;
        }>`SELECT m.id FROM ${source} WHERE ${filter} ORDER BY m.sent_at DESC, m.id DESC LIMIT ${CANDIDATES}`.execute(db)
      ).rows.map((r) => r.id);
    let ids = await newest(window, inWindow);
    if (ids.length < CANDIDATES) ids = await newest(matches, and(filters));
    const ranked = sql`(SELECT id, ts_rank(search_tsv, ${query}) AS rank FROM messages WHERE id = ANY(${ids}::uuid[])) m`;
    const after = cursor ? sql`(m.rank, m.id) < (${cursor.k}::real, ${cursor.i}::uuid)` : sql`true`;
    rows = await page(ranked, after, sql`m.rank`);
  }

  const hits = rows.slice(0, limit);
  const last = hits.at(-1);
  const attachments = await attachmentsByMessage(
    db,
    links,
    hits.map((r) => r.id),
  );
  return {
    hits: hits.map((r) => ({
      message: withAttachments(messageWire(r), attachments.get(r.id)),
      dialog: { id: r.dialog_id, title: r.title, object_id: r.object_id, object_type: r.object_type },
      snippet: snippetHtml(r.headline),
      rank: Number(r.rank),
    })),
    next_cursor: rows.length > limit && last ? encodeCursor({ k: q.order === 'newest' ? last.sent_us : last.rank_text, i: last.id }) : null,
  };
}
