/** @module wire: small encoders for values on the wire (timestamps as MTChat prints them, ids). */
import { v7 } from 'uuid';

/** RFC 3339 UTC with `Z`, and the fraction only when it is not zero (as chrono prints it). */
export function timestamp(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export function timestampOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : timestamp(value);
}

/** A new UUIDv7: ids sort by creation time, which message pagination relies on. */
export function newId(): string {
  return v7();
}

/** Drops keys whose value is undefined, so optional fields are omitted rather than null. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}
