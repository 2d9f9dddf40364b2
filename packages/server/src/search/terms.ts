/**
 * @module search/terms: turns what a user typed into the tsquery SQL of a search. The text goes to PostgreSQL's
 * websearch_to_tsquery ("a phrase", -exclude, OR); the last word, while it is still being typed (no space after it,
 * not quoted, not excluded), also matches as a prefix, so "invo" finds "invoice".
 */
import { sql, type RawBuilder } from 'kysely';

export interface SplitQuery {
  /** What websearch_to_tsquery reads. */
  head: string;
  /** The last word, matched as a prefix; joined to the head with AND, or with OR when the head ends in OR. */
  prefix?: { word: string; join: 'and' | 'or' };
}

export function splitQuery(q: string): SplitQuery {
  if (/\s$/.test(q)) return { head: q };
  const last = /(^|\s)([^\s"-][^\s"]*)$/.exec(q);
  if (!last) return { head: q };
  const word = last[2]!;
  if (/^or$/i.test(word)) return { head: q };
  let head = q.slice(0, last.index + last[1]!.length);
  // Inside an open quote, the word belongs to a phrase.
  if ((head.match(/"/g) ?? []).length % 2 === 1) return { head: q };
  const or = /(^|\s)or\s*$/i.exec(head);
  if (or) head = head.slice(0, or.index);
  return { head, prefix: { word, join: or ? 'or' : 'and' } };
}

/** to_tsquery's form of one word as a prefix: quoted, with quotes and backslashes escaped. */
export function prefixTerm(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`;
}

/**
 * The tsquery of `q` in text search configuration `language` (a parameter, never spliced into the SQL): `match`;
 * when the last word is a prefix that must match along with earlier words, also those two parts, which the
 * index may be asked for apart (queries/search-plan.ts).
 */
export function tsqueryParts(
  language: string,
  q: string,
): { match: RawBuilder<unknown>; words?: RawBuilder<unknown>; prefix?: RawBuilder<unknown> } {
  const { head, prefix } = splitQuery(q);
  const words = sql`websearch_to_tsquery(${language}::regconfig, ${head})`;
  if (!prefix) return { match: words };
  const start = sql`to_tsquery(${language}::regconfig, ${prefixTerm(prefix.word)})`;
  if (prefix.join === 'or') return { match: sql`(${words} || ${start})` };
  const match = sql`(${words} && ${start})`;
  return head.trim() === '' ? { match } : { match, words, prefix: start };
}

/** The tsquery of `q` in text search configuration `language`. */
export function tsquerySql(language: string, q: string): RawBuilder<unknown> {
  return tsqueryParts(language, q).match;
}
