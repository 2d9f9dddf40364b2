/**
 * @module search/cursor: the opaque keyset cursor of search pages: the last hit's sort key (its sent_at in
 * microseconds for newest-first, its rank as PostgreSQL printed it for relevance) and its id.
 */
import { AppError } from '../errors.js';

export type SearchOrder = 'newest' | 'relevance';

export interface Cursor {
  k: string;
  i: string;
}

const badCursor = () => new AppError('INVALID_INPUT', 'cursor is not valid for this search');

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** Checks the shape strictly: the values are bound as SQL parameters, and a forged one is a 400, not a 500. */
export function decodeCursor(value: string, order: SearchOrder): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const { k, i } = (c ?? {}) as Record<string, unknown>;
  const key = order === 'newest' ? /^-?\d{1,20}$/ : /^-?\d+(\.\d+)?(e-?\d+)?$/;
  if (
    typeof k !== 'string' ||
    typeof i !== 'string' ||
    !key.test(k) ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(i)
  )
    throw badCursor();
  return { k, i };
}
