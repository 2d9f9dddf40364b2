/**
 * @module search/snippet: the highlighted snippet of a search hit. PostgreSQL's ts_headline picks the fragments
 * around the matches of the message's plain text (tags stripped), marking each match with two private-use
 * characters that the source text never contains; here the text is HTML-escaped and the marks become <mark>,
 * so the only markup a snippet can hold is <mark>…</mark>.
 */
import { escapeText } from '../security/html-escape.js';

export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/** ts_headline options: at most two fragments of 12 to 30 words. */
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** Turns ts_headline's output into HTML: escaped text, matches in <mark>; an unpaired mark is dropped. */
export function snippetHtml(headline: string): string {
  let out = '';
  let open = false;
  for (const part of headline.split(/([\uE000\uE001])/)) {
    if (part === MARK_START) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === MARK_END) {
      if (open) out += '</mark>';
      open = false;
    } else {
      out += escapeText(part);
    }
  }
  return open ? `${out}</mark>` : out;
}
