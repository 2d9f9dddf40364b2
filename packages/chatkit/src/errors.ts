/** @module errors: ChatKitError, and the rule that turns a server answer into a message safe to show a person. */

export class ChatKitError extends Error {
  constructor(
    /** A protocol or client code: `auth.expired`, `rate_limited`, `stream.error`, `transport`, `client_tool`, … */
    readonly code: string,
    message: string,
    readonly opts: { status?: number; allowRetry?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ChatKitError';
  }
  get status(): number | undefined {
    return this.opts.status;
  }
  get allowRetry(): boolean {
    return this.opts.allowRetry ?? false;
  }
}

export const GENERIC_MESSAGE = 'Something went wrong. Please try again.';
const MAX_MESSAGE = 300;

/**
 * What a person may read of a server's message: only a short single-line text from a 4xx answer or a `custom`
 * stream error; 5xx bodies, stack traces, and anything long or multi-line become the generic message.
 */
export function safeMessage(message: unknown, trusted: boolean): string {
  if (!trusted || typeof message !== 'string') return GENERIC_MESSAGE;
  const text = message.trim();
  if (text === '' || text.length > MAX_MESSAGE || /[\r\n]|\bat .+:\d+:\d+|Traceback|Exception:|node_modules|\.(ts|js|py):\d+/.test(text))
    return GENERIC_MESSAGE;
  return text;
}

/** Reads `{error:{code,message}}`, `{code,message}`, `{detail}` and the retry hints of a non-2xx JSON body. */
export function readErrorBody(body: unknown): { code?: string; message?: string; retryAfterMs?: number } {
  if (!body || typeof body !== 'object') return {};
  const top = body as Record<string, unknown>;
  const inner = (top.error && typeof top.error === 'object' ? top.error : top) as Record<string, unknown>;
  const code = typeof inner.code === 'string' ? inner.code : typeof top.code === 'string' ? top.code : undefined;
  const raw = inner.message ?? top.message ?? top.detail ?? (typeof top.error === 'string' ? top.error : undefined);
  const ms = inner.retry_after_ms ?? top.retry_after_ms;
  const s = inner.retry_after ?? top.retry_after;
  const retryAfterMs = typeof ms === 'number' ? ms : typeof s === 'number' ? s * 1000 : undefined;
  return {
    ...(code ? { code } : {}),
    ...(typeof raw === 'string' ? { message: raw } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
