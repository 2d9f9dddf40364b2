/**
 * @module security/input-text: the one rule for text Parley accepts from a client, wherever it arrives (JSON
 * body, path, query, X-Scope-Config): no U+0000 and no unpaired UTF-16 surrogate (PostgreSQL can store neither),
 * and JSON nested at most MAX_JSON_DEPTH deep (checked on the raw text, before anything recurses into it).
 */

export const MAX_JSON_DEPTH = 64;

// String.prototype.isWellFormed (Node 20+) is not in the ES2023 lib typings.
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be accepted, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'NUL characters are not allowed';
  if (!wellFormed(s)) return 'Unpaired UTF-16 surrogates are not allowed';
  return undefined;
}

/** The first problem in any string (keys included) of a parsed value; call only on values within MAX_JSON_DEPTH. */
export function valueProblem(value: unknown): string | undefined {
  if (typeof value === 'string') return textProblem(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = valueProblem(v);
      if (p) return p;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = textProblem(k) ?? valueProblem(v);
      if (p) return p;
    }
  }
  return undefined;
}

/** Whether JSON text opens more than `max` arrays/objects at once (a linear scan that skips strings). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
