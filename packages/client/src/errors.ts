/** @module errors: ParleyError, the one error type the SDK throws and emits, decoded from the server's catalog. */
import { ERROR_CATALOG, isErrorCode, type ErrorCode } from '@parley/protocol';

/** Codes the client itself produces, for failures that never reached the server or never got a decodable answer. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'INVALID_RESPONSE' | 'AUTH_REFRESH_FAILED' | 'CLIENT_CLOSED';

export type ParleyErrorCode = ErrorCode | ClientErrorCode;

const CLIENT_RETRYABLE: Record<ClientErrorCode, boolean> = {
  NETWORK_ERROR: true,
  TIMEOUT: true,
  ABORTED: false,
  INVALID_RESPONSE: true,
  AUTH_REFRESH_FAILED: true,
  CLIENT_CLOSED: false,
};

/**
 * A failed call. `retryable` says whether the same request may succeed unchanged later (network, 5xx, 429, an
 * expired token); `status` is the HTTP status, or 0 when no response arrived.
 *
 * @example
 * try { await client.messages.send(id, 'hi') } catch (e) { if (e instanceof ParleyError && e.code === 'NOT_PARTICIPANT') join() }
 */
export class ParleyError extends Error {
  override name = 'ParleyError';
  readonly code: ParleyErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** From a Retry-After header, when the server sent one. */
  readonly retryAfterMs?: number;

  constructor(
    code: ParleyErrorCode,
    message: string,
    opts: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = opts.status ?? (isErrorCode(code) ? ERROR_CATALOG[code].status : 0);
    this.retryable = opts.retryable ?? defaultRetryable(code, this.status);
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }

  /** The plain shape the `error` event carries. */
  toJSON(): { code: ParleyErrorCode; message: string; status: number; retryable: boolean } {
    return { code: this.code, message: this.message, status: this.status, retryable: this.retryable };
  }
}

function defaultRetryable(code: ParleyErrorCode, status: number): boolean {
  if (isErrorCode(code)) return ERROR_CATALOG[code].retryable;
  if (code in CLIENT_RETRYABLE) return CLIENT_RETRYABLE[code as ClientErrorCode];
  return status >= 500 || status === 429;
}

/** The catalog code a bare status stands for, when the body is not Parley's JSON envelope (proxies, MTChat's plain-text 401). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMIT_EXCEEDED';
  if (status === 503) return 'NOT_READY';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'BAD_REQUEST';
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Decodes a non-2xx response into a ParleyError. */
export async function errorFromResponse(res: Response): Promise<ParleyError> {
  const text = await res.text().catch(() => '');
  let code: ErrorCode = codeForStatus(res.status);
  let message = text.trim() || res.statusText || `HTTP ${res.status}`;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body && typeof body === 'object' && body.error && typeof body.error === 'object') {
      if (isErrorCode(body.error.code)) code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // Not JSON: keep the status-derived code and the text.
  }
  const retryable = isErrorCode(code) ? ERROR_CATALOG[code].retryable || res.status >= 500 || res.status === 429 : undefined;
  return new ParleyError(code, message, { status: res.status, retryable, retryAfterMs: retryAfter(res.headers.get('retry-after')) });
}

/** Wraps whatever fetch threw: an abort stays an abort, anything else is a network failure worth retrying. */
export function errorFromThrown(err: unknown, signal?: AbortSignal): ParleyError {
  if (err instanceof ParleyError) return err;
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) {
    return new ParleyError('ABORTED', 'The request was cancelled', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ParleyError('NETWORK_ERROR', `Network error: ${message}`, { cause: err });
}

/** True for failures where the caller should keep the work and try again later. */
export function isTransient(err: unknown): boolean {
  return err instanceof ParleyError && (err.retryable || err.code === 'UNAUTHORIZED');
}
