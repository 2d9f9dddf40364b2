/**
 * @module queries/search: full-text message search (docs/search.md). The Chat API searches the dialogs a user
 * takes part in (the participating-list rule of queries/dialogs.ts); the Management API searches every dialog.
 * Pages are keyset-paged on the order's own key, so paging never skips or repeats a hit. Where the newest matches
 * come from (a walk down the newest messages, or the GIN index) is queries/search-plan.ts.
 * Relevance order ranks at most the newest CANDIDATES matches, not every match in the database: ranking all of a
 * common word's matches took seconds on a million messages.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LIMITS, type SearchMessagesQuery, type SearchPage } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { decodeCursor, encodeCursor } from '../search/cursor.js';
import { HEADLINE_OPTIONS, snippetHtml } from '../search/snippet.js';
import { tsqueryParts } from '../search/terms.js';
import type { SearchConfig } from '../config.js';
import { CANDIDATES, indexMatches, indexSeed, newestMessages, RELEVANCE_MIN, spans, walkSpan } from './search-plan.js';
import type { Actor } from '../security/identity.js';
import { attachmentsByMessage, withAttachments, type FileLinks } from './attachments.js';
import { participatingDialogIds } from './dialogs.js';
import { messageWire, type MessageRow } from './serialize.js';

/** Who searches: a Chat API user (their dialogs) or the host's back office (all dialogs). */
export type SearchReach = { actor: Actor } | { all: true };

/** A date-only bound means midnight UTC. */
const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

type Row = MessageRow & {
  attachment_names: string | null;
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
  config: SearchConfig,
  links: FileLinks,
  reach: SearchReach,
  q: SearchMessagesQuery,
): Promise<SearchPage> {
  const limit = q.limit ?? LIMITS.searchPageDefault;
  const { language } = config;
  const parts = tsqueryParts(language, q.q);
  /**
   * The tsquery as a one-row subquery, so PostgreSQL computes it once per statement: written inline with parameters,
   * websearch_to_tsquery ran again for every message a walk checked (39 ms instead of 7 for 20,000 messages). The
   * GIN index path keeps `parts` as they are, since the planner's estimates need to see the query itself.
   */
  const query = sql`(SELECT ${parts.match})`;
  const span = spans(config.probe);
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.order);

  // The upper bounds of newest-first (before, cursor) also bound its window.
  const upper: RawBuilder<unknown>[] = [];
  if (q.before !== undefined) upper.push(sql`m.sent_at < ${instant(q.before)}::timestamptz`);
  if (cursor && q.order === 'newest') {
    upper.push(sql`(m.sent_at, m.id) < ('epoch'::timestamptz + ${cursor.k}::bigint * interval '1 microsecond', ${cursor.i}::uuid)`);
  }
  /**
   * The user's dialogs (none: every dialog), checked per candidate message `m` with two index look-ups: listing
   * every dialog of a user in 5,000 of them took longer than a rare word's whole search.
   */
  const member =
    'actor' in reach
      ? sql`(${participatingDialogIds(db, reach.actor).where(sql<boolean>`d.id = m.dialog_id`).limit(1)}) IS NOT NULL`
      : undefined;
  /** Everything but the text match and the relevance cursor, over a source `m` with id, dialog_id, sender_id, sent_at. */
  const filters: RawBuilder<unknown>[] = member ? [member] : [];
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

  // The two sources of the newest matches (search-plan.ts): the newest messages (the text match a filter there),
  // and the GIN index's matches.
  const walk = (n: number) => newestMessages(and(upper), n);
  const inWalk = and([sql`m.search_tsv @@ ${query}`, ...filters]);
  /** The index's matches, asked for only when the walk did not find enough. */
  const matches = async () => indexMatches(await indexSeed(db, parts), parts.match);

  let rows: Row[] = [];
  if (q.order === 'newest') {
    const need = limit + 1;
    rows = await page(walk(span.probe), inWalk, sql`m.sent_at`);
    if (rows.length < need) {
      const far = walkSpan(span, rows.length, need);
      if (far !== undefined) rows = await page(walk(far), inWalk, sql`m.sent_at`);
      if (rows.length < need) rows = await page(await matches(), and(filters), sql`m.sent_at`);
    }
  } else {
    const newest = async (source: RawBuilder<unknown>, filter: RawBuilder<unknown>) =>
      (
        await sql<{
          id: string;
        }>`SELECT m.id FROM ${source} WHERE ${filter} ORDER BY m.sent_at DESC, m.id DESC LIMIT ${CANDIDATES}`.execute(db)
      ).rows.map((r) => r.id);
    // The newest CANDIDATES matches; when the probe holds some but not that many (a word common in general but
    // sparse lately), those of the relevance span, provided it holds RELEVANCE_MIN; otherwise the index's.
    let ids = await newest(walk(span.probe), inWalk);
    if (ids.length > 0 && ids.length < CANDIDATES) ids = await newest(walk(span.relevance), inWalk);
    if (ids.length < RELEVANCE_MIN) ids = await newest(await matches(), and(filters));
    const ranked = sql`(SELECT id, ts_rank(search_tsv, ${query}) AS rank FROM messages WHERE id = ANY(${ids}::uuid[])) m`;
    const after = cursor ? sql`(m.rank, m.id) < (${cursor.k}::real, ${cursor.i}::uuid)` : sql`true`;
    rows = await page(ranked, after, sql`m.rank`);
  }

  const hits = rows.slice(0, limit);
  const last = hits.at(-1);
  // attachment_names (kept by a trigger) is null exactly when a message has no attachment: most pages need no look-up.
  const attachments = await attachmentsByMessage(
    db,
    links,
    hits.filter((r) => r.attachment_names !== null).map((r) => r.id),
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
