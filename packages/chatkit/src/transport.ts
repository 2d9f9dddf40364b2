/**
 * @module transport: one ChatKit POST, JSON or SSE, with the resilience rules: headers per request, 401 → one
 * refresh and one retry, 429 → wait Retry-After, retry with jittered backoff (honouring `retry:` hints) only before
 * the first event (or after it too when the server honours an idempotency key), a keepalive timeout, duplicate SSE
 * ids dropped, cancel by abort.
 */
import { Backoff, SseParser, type SseMessage } from '@parley/client';
import { ChatKitError, readErrorBody, safeMessage } from './errors.js';
import { type ChatKitOptions, checkSecureUrl, isHosted, OPENAI_HOSTED_URL, type OutgoingRequest } from './options.js';
import { SecretHolder } from './secret.js';

// biome-ignore lint/suspicious/noExplicitAny: events of any ChatKit server, read field by field by the reducer
export type StreamEvent = { type: string; [k: string]: any };
export type Log = (name: string, data?: Record<string, unknown>) => void;

const KEEPALIVE = new Set(['ping', 'pong', 'heartbeat']);
const SEEN_IDS = 64;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new ChatKitError('cancelled', 'The request was cancelled.'));
      },
      { once: true },
    );
  });

interface Attempt {
  retryable: boolean;
  error: ChatKitError;
  hintMs?: number;
}

export class Transport {
  readonly url: string;
  readonly secret: SecretHolder | null;
  private readonly fetchFn: typeof fetch;
  /** True when the host passed its own fetch (uploads then go through it too, without byte progress in browsers). */
  readonly customFetch: boolean;
  private readonly idempotencyHeader: string | undefined;
  private readonly t: Required<Omit<NonNullable<ChatKitOptions['transport']>, 'random' | 'sleep' | 'idempotencyKeyHeader'>> & {
    random: () => number;
    sleep: NonNullable<NonNullable<ChatKitOptions['transport']>['sleep']>;
  };

  constructor(
    private readonly options: ChatKitOptions,
    private readonly log: Log,
    private readonly onAuth: (ok: boolean) => void,
  ) {
    const api = options.api;
    this.url = isHosted(api) ? (api.url ?? OPENAI_HOSTED_URL) : api.url;
    checkSecureUrl(this.url);
    this.secret = isHosted(api) ? new SecretHolder((c) => api.getClientSecret(c)) : null;
    const f = isHosted(api) ? undefined : api.fetch;
    this.fetchFn = f ?? ((input, init) => globalThis.fetch(input, init));
    this.customFetch = f !== undefined;
    const o = options.transport ?? {};
    this.idempotencyHeader = o.idempotencyKeyHeader?.toLowerCase();
    this.t = {
      keepAliveTimeoutMs: o.keepAliveTimeoutMs ?? 45_000,
      initialBackoffMs: o.initialBackoffMs ?? 500,
      maxBackoffMs: o.maxBackoffMs ?? 10_000,
      maxRetries: o.maxRetries ?? 5,
      maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
      random: o.random ?? Math.random,
      sleep: o.sleep ?? defaultSleep,
    };
  }

  /** Headers for one request: ChatKit's own, the secret or the host's builder (called every time), the domain key. */
  async headers(request: OutgoingRequest): Promise<Record<string, string>> {
    const api = this.options.api;
    const h: Record<string, string> = { 'x-chatkit-sdk': 'parley-chatkit' };
    if (this.options.locale) h['accept-language'] = this.options.locale;
    if (this.secret) h.authorization = `Bearer ${await this.secret.get()}`;
    else if (!isHosted(api)) {
      Object.assign(h, api.headers ?? {});
      if (api.headersBuilder) Object.assign(h, await api.headersBuilder(request));
      if (api.domainKey) h['x-chatkit-domain-key'] = api.domainKey;
    }
    return h;
  }

  /** Any fetch through the configured function (uploads use it too). */
  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.fetchFn(url, init);
  }

  /** A non-streaming request: the parsed JSON answer. */
  async json<T = unknown>(
    type: string,
    params: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    let result: T | undefined;
    await this.run(type, params, metadata, signal, async (res) => {
      if (!(res.headers.get('content-type') ?? '').includes('json'))
        return { retryable: false, error: new ChatKitError('protocol', 'The server answered with an unexpected content type.') };
      result = (await res.json()) as T;
      return null;
    });
    return result as T;
  }

  /** A streaming request: each event in order; resolves when the server ends the stream. */
  async stream(
    type: string,
    params: Record<string, unknown>,
    metadata: Record<string, unknown>,
    signal: AbortSignal | undefined,
    onEvent: (e: StreamEvent) => void,
    /** Called before a retry that follows received events (idempotent requests only): the server replays from the start. */
    onRestart?: () => void,
  ): Promise<void> {
    let received = 0;
    this.log('transport.streaming.start', { type });
    const key = this.idempotencyHeader ? { [this.idempotencyHeader]: newKey() } : undefined;
    await this.run(
      type,
      params,
      metadata,
      signal,
      (res, attempt) => {
        if (received > 0) {
          this.log('transport.replay', { type, events: received });
          received = 0;
          onRestart?.();
        }
        return this.readStream(
          res,
          attempt,
          onEvent,
          () => received++,
          () => received > 0,
          key !== undefined,
        );
      },
      key,
    );
    this.log('transport.streaming.complete', { type, events: received });
  }

  private async readStream(
    res: Response,
    attempt: AbortController,
    onEvent: (e: StreamEvent) => void,
    count: () => void,
    started: () => boolean,
    idempotent = false,
  ): Promise<Attempt | null> {
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !res.body) {
      return { retryable: false, error: new ChatKitError('protocol', 'The server did not answer with an event stream.') };
    }
    const seen: string[] = [];
    let failure: ChatKitError | null = null;
    const parser = new SseParser((m: SseMessage) => {
      if (failure) return;
      if ((m.event && KEEPALIVE.has(m.event)) || KEEPALIVE.has(m.data.trim())) return;
      if (m.id !== undefined) {
        if (seen.includes(m.id)) return;
        seen.push(m.id);
        if (seen.length > SEEN_IDS) seen.shift();
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(m.data);
      } catch {
        failure = new ChatKitError('protocol', 'The server sent a malformed event.');
        this.log('transport.malformed', { bytes: m.data.length });
        return;
      }
      for (const e of Array.isArray(parsed) ? parsed : [parsed]) {
        if (!e || typeof e !== 'object' || typeof (e as StreamEvent).type !== 'string') continue;
        if (!started()) this.log('transport.streaming.first_event', {});
        count();
        onEvent(e as StreamEvent);
      }
    });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        this.log('transport.keepalive.timeout', { ms: this.t.keepAliveTimeoutMs });
        attempt.abort();
      }, this.t.keepAliveTimeoutMs);
    };
    try {
      arm();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        parser.push(decoder.decode(value, { stream: true }));
        if (failure) break;
      }
      parser.push(decoder.decode());
    } catch {
      if (!timedOut && attempt.signal.aborted) throw new ChatKitError('cancelled', 'The request was cancelled.');
      const error = new ChatKitError('transport', timedOut ? 'The connection went quiet.' : 'The connection was interrupted.', {
        allowRetry: true,
      });
      const hintMs = parser.retryHint;
      // After the first event only an idempotent request may be sent again (else a second user message is posted).
      return { retryable: idempotent || !started(), error, ...(hintMs !== undefined ? { hintMs } : {}) };
    } finally {
      clearTimeout(timer);
      if (failure) await reader.cancel().catch(() => {});
    }
    if (failure) return { retryable: false, error: failure };
    return null;
  }

  /** Sends until one attempt succeeds or fails for good; `handle` reads a 2xx answer and may ask for a retry. */
  private async run(
    type: string,
    params: Record<string, unknown>,
    metadata: Record<string, unknown>,
    signal: AbortSignal | undefined,
    handle: (res: Response, attempt: AbortController) => Promise<Attempt | null>,
    extraHeaders?: Record<string, string>,
  ): Promise<void> {
    const body = JSON.stringify({ type, params, metadata });
    const backoff = new Backoff({ initialMs: this.t.initialBackoffMs, maxMs: this.t.maxBackoffMs, random: this.t.random });
    let refreshed = false;
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw this.cancelled(type);
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      signal?.addEventListener('abort', stop, { once: true });
      let outcome: Attempt | null;
      try {
        outcome = await this.once(type, body, attempt, handle, extraHeaders);
      } catch (err) {
        if (signal?.aborted) throw this.cancelled(type);
        throw err;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
      if (!outcome) {
        if (refreshed || retry > 0) this.onAuth(true);
        return;
      }
      const { error } = outcome;
      if (error.status === 401 || error.status === 403) {
        if (!refreshed && error.status === 401) {
          refreshed = true;
          if (this.secret) await this.secret.refresh();
          this.log('transport.auth.refresh', { type });
          retry--;
          continue;
        }
        this.onAuth(false);
        throw new ChatKitError('auth.expired', 'Your session has expired. Please sign in again.', { status: error.status });
      }
      if (!outcome.retryable || retry >= this.t.maxRetries) throw error;
      let delay: number;
      if (error.status === 429) {
        delay = error.opts.retryAfterMs ?? backoff.next();
        if (delay > this.t.maxRetryAfterMs) throw error;
      } else if (outcome.hintMs !== undefined) {
        const base = Math.min(this.t.maxBackoffMs, Math.max(outcome.hintMs, 50) * 2 ** retry);
        delay = Math.round(base * (0.8 + 0.4 * this.t.random()));
      } else delay = backoff.next();
      this.log('transport.retry', {
        type,
        attempt: retry + 1,
        delay_ms: delay,
        ...(outcome.hintMs !== undefined ? { server_hint_ms: outcome.hintMs } : {}),
        ...(error.status ? { status: error.status } : {}),
      });
      await this.t.sleep(delay, signal);
    }
  }

  private cancelled(type: string): ChatKitError {
    this.log('transport.cancelled', { type });
    return new ChatKitError('cancelled', 'The request was cancelled.');
  }

  private async once(
    type: string,
    body: string,
    attempt: AbortController,
    handle: (res: Response, attempt: AbortController) => Promise<Attempt | null>,
    extraHeaders: Record<string, string> = {},
  ): Promise<Attempt | null> {
    let res: Response;
    try {
      const headers = await this.headers({ url: this.url, method: 'POST', type });
      res = await this.fetch(this.url, {
        method: 'POST',
        headers: { ...headers, ...extraHeaders, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body,
        signal: attempt.signal,
      });
    } catch (err) {
      if (attempt.signal.aborted) throw err;
      return { retryable: true, error: new ChatKitError('transport', 'The server could not be reached.', { allowRetry: true }) };
    }
    if (res.ok) return handle(res, attempt);
    const parsed = readErrorBody(await res.json().catch(() => null));
    const retryAfterMs = retryAfter(res.headers.get('retry-after')) ?? parsed.retryAfterMs;
    const stale = res.status === 409 && /stale_client|client_stale/.test(`${parsed.code ?? ''} ${parsed.message ?? ''}`);
    const code = res.status === 429 ? 'rate_limited' : stale ? 'stale_client' : (parsed.code ?? `http.${res.status}`);
    const error = new ChatKitError(code, safeMessage(parsed.message, res.status < 500), {
      status: res.status,
      allowRetry: res.status === 429 || res.status >= 500,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    return { retryable: res.status === 429 || res.status >= 500, error };
  }
}

/** A fresh idempotency key: one per streaming request, the same on each of its retries. */
function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
