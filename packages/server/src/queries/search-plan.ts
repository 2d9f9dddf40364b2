/**
 * @module queries/search-plan: where a search finds its newest matches, chosen by how dense the matches are among
 * the newest messages, so that the work is bounded for rare and common words alike (docs/search.md).
 *
 * PostgreSQL cannot tell cheaply how many messages a query matches (its statistics know the most common words
 * only, and guess 2% for a prefix), and the two ways to find the newest matches cost in opposite directions:
 * - a walk down the newest messages (sent_at index), checking each, costs the messages it reads: cheap when
 *   matches are dense, up to the whole table when they are rare;
 * - the GIN index gives every match, each read from the table: cheap for a rare word, seconds for a common one.
 * So a search first walks a small probe of the newest messages. Matches there mean the words are common: it walks
 * on (a bounded span) and stops once it has enough. No match there means they are rare: it asks the index.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../adapters/db/index.js';

/** How many of the newest matches relevance order ranks. */
export const CANDIDATES = 200;

/** Relevance order ranks what the relevance span holds when it holds at least this many matches. */
export const RELEVANCE_MIN = 20;

/** The spans, in messages, as multiples of the probe (SEARCH_PROBE_MESSAGES, 2,000 by default). */
export interface Spans {
  /** The first look: the newest messages read before anything else. */
  probe: number;
  /** Newest first: the most messages a walk reads before it asks the index. */
  walk: number;
  /** Relevance order: the newest messages its matches are taken from when the probe held some (but not 200). */
  relevance: number;
}

export function spans(probe: number): Spans {
  return { probe, walk: probe * 25, relevance: probe * 10 };
}

/**
 * Newest first: how far a walk must go for `need` matches, judged by the `found` matches of the probe (with a
 * margin), or undefined when it would go further than the walk may (or the probe found nothing): then the index.
 */
export function walkSpan(s: Spans, found: number, need: number): number | undefined {
  if (found === 0) return undefined;
  const span = Math.ceil(((s.probe * need) / found) * 1.5);
  return span <= s.walk ? Math.max(span, s.probe * 2) : undefined;
}

export type Sql = RawBuilder<unknown>;

/** The newest `span` messages below the upper bounds, as a source `m` (the text match is left to the caller). */
export function newestMessages(upper: Sql, span: number): Sql {
  return sql`(SELECT m.id, m.dialog_id, m.sender_id, m.sent_at, m.search_tsv FROM messages m WHERE ${upper}
    ORDER BY m.sent_at DESC, m.id DESC LIMIT ${span}) m`;
}

/**
 * Every message the GIN index matches (asked for `seed`, then checked against `match`), as a source `m`,
 * materialized first: left to itself, the planner trusts a guess of 2% for a prefix and walks the table instead.
 * `ts_match_vq` is `@@` in a form the planner does not take to the index.
 */
export function indexMatches(seed: Sql, match: Sql): Sql {
  const check = seed === match ? sql`` : sql` AND ts_match_vq(search_tsv, ${match})`;
  return sql`(WITH hits AS MATERIALIZED (SELECT id, dialog_id, sender_id, sent_at FROM messages WHERE search_tsv @@ ${seed}${check})
    SELECT * FROM hits) m`;
}

/** PostgreSQL's estimate (from its statistics, without running it) of how many messages `query` matches. */
async function estimate(db: Kysely<Database>, query: Sql): Promise<number> {
  const plan = await sql<Record<string, unknown>>`EXPLAIN (FORMAT JSON) SELECT 1 FROM messages WHERE search_tsv @@ ${query}`.execute(db);
  const cell = Object.values(plan.rows[0] ?? {})[0];
  const json = (typeof cell === 'string' ? JSON.parse(cell) : cell) as [{ Plan: { 'Plan Rows': number } }];
  return json[0].Plan['Plan Rows'];
}

/**
 * What to ask the GIN index for. The index reads a prefix as every word it starts (100,000 messages for a common
 * word: tens of milliseconds), and earlier words as their own lists; for words followed by a prefix
 * (`zanzibar inv`), the cheaper of the two by PostgreSQL's estimates: the words alone (each message then checked
 * for the prefix) unless they look more common than the prefix, else the whole query.
 */
export async function indexSeed(db: Kysely<Database>, parts: { match: Sql; words?: Sql; prefix?: Sql }): Promise<Sql> {
  if (!parts.words || !parts.prefix) return parts.match;
  const words = await estimate(db, parts.words);
  const prefix = await estimate(db, parts.prefix);
  // Equal estimates mean no statistics (a new database) or two words rare alike: either is cheap. querytree() is
  // '' when the words are all stop words and 'T' when none can be looked up (only -words): then the whole query.
  if (words > prefix) return parts.match;
  return sql`(CASE WHEN querytree(${parts.words}) IN ('', 'T') THEN ${parts.match} ELSE ${parts.words} END)`;
}
