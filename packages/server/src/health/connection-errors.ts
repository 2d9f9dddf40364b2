/**
 * @module health/connection-errors: tells an outage (the database, Redis or the object store cannot be reached,
 * or dropped the connection) from an error in the request itself. The one place that knows pg's, Node's and the
 * AWS SDK's ways of saying "connection lost".
 */

/** Socket-level failures, as Node reports them. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that mean "the server is not there for you right now": class 08 (connection exception),
 * 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now) and 53300 (too many connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** What pg (and pg-pool) throw without a code when a connection ends or cannot be had in time. */
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  const queue = [err];
  while (queue.length > 0 && out.length < 16) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    out.push(e);
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    if (cause) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return out;
}

/** True when the error (or one it wraps) says the database or a network peer is unreachable. */
export function isConnectionError(err: unknown): boolean {
  return causes(err).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) return true;
    return typeof message === 'string' && MESSAGES.some((m) => m.test(message));
  });
}

/** True when an object-store call failed because the store is unreachable or failing (not a missing object). */
export function isStoreOutage(err: unknown): boolean {
  if (isConnectionError(err)) return true;
  return causes(err).some((e) => {
    const { name, $metadata } = e as { name?: unknown; $metadata?: { httpStatusCode?: number } };
    if (name === 'TimeoutError' || name === 'RequestTimeout') return true;
    return ($metadata?.httpStatusCode ?? 0) >= 500;
  });
}
