/**
 * The plain-text shortcut of the sanitizer: for any text it lets through untouched, the full allow-list pass
 * would also have returned it untouched (property-based, over arbitrary Unicode).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeContent, sanitizeMarkup } from '../src/security/sanitize.js';

describe('sanitizer shortcut', () => {
  it('agrees with the full pass on every input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ maxLength: 200 }),
        ),
        (s) => {
          expect(sanitizeContent(s)).toBe(sanitizeMarkup(s));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('agrees on line breaks, tabs, quotes, entities and markup', () => {
    for (const s of ['a\r\nb', '\tx\n', "it's", 'say "hi"', 'a & b', '&amp;', 'x > y', '<b>b</b>', ' ', '\u2028', 'naïve café 日本語 🎉']) {
      expect(sanitizeContent(s), JSON.stringify(s)).toBe(sanitizeMarkup(s));
    }
  });
});
