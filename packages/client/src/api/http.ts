/**
 * @module api/http: every REST call goes through here: base URL, auth headers (with one retry after a 401 once
 * fresh credentials exist), the scope/locale/domain-key headers, JSON bodies, and errors decoded to ParleyError.
 */
import type { Authenticator } from '../auth/token-manager.js';
import { errorFromResponse, errorFromThrown, ParleyError } from '../errors.js';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Overrides the client's request timeout for this call (ms). */
  timeoutMs?: number;
  /** `text`: the body as it came (e.g. a stream read to its end) instead of parsed JSON. */
  readAs?: 'json' | 'text';
}

export interface HttpOptions {
  baseUrl: string;
  fetch: typeof fetch;
  auth: Authenticator;
  /** Headers sent on every request besides auth (X-Scope-Config, Accept-Language, the domain key). */
  headers: Record<string, string>;
  /** A request (until its whole body is read) fails with TIMEOUT after this long (ms), so a dead link cannot stall it. */
  timeoutMs: number;
  /** Told when the server rejected `credential`; `refreshing` says whether a retry with fresh ones follows. */
  onAuthRejected(err: ParleyError, refreshing: boolean, credential: string | undefined): void;
}

export class Http {
  readonly baseUrl: string;

  constructor(private readonly opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) params.set(k, String(v));
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Sends the request and returns the parsed JSON body (undefined for an empty body). */
  async request<T>(spec: RequestSpec): Promise<T> {
    const timeout = new AbortController();
    const onAbort = () => timeout.abort();
    if (spec.signal?.aborted) timeout.abort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The timer also covers waiting for credentials: a host callback that never answers must not stall the call.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timeout.abort();
        reject(new ParleyError('TIMEOUT', `${spec.method} ${spec.path} timed out`));
      }, spec.timeoutMs ?? this.opts.timeoutMs);
    });
    try {
      return await Promise.race([this.attempt<T>({ ...spec, signal: timeout.signal }, spec.signal), expired]);
    } catch (err) {
      if (err instanceof ParleyError && err.code === 'ABORTED' && !spec.signal?.aborted) {
        throw new ParleyError('TIMEOUT', `${spec.method} ${spec.path} timed out`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async attempt<T>(spec: RequestSpec, callerSignal: AbortSignal | undefined): Promise<T> {
    const url = this.url(spec.path, spec.query);
    const authRequest = { method: spec.method, url };
    let creds = await this.opts.auth.credentials(authRequest);
    let res = await this.send(url, spec, creds.headers);
    if (res.status === 401) {
      const err = await errorFromResponse(res);
      const rejected = creds.credential;
      const retry = await this.opts.auth.recover(rejected, authRequest).catch((e: unknown) => {
        this.opts.onAuthRejected(err, false, rejected);
        throw e;
      });
      this.opts.onAuthRejected(err, retry, rejected);
      if (!retry) throw err;
      creds = await this.opts.auth.credentials(authRequest);
      res = await this.send(url, spec, creds.headers);
      if (res.status === 401) {
        const again = await errorFromResponse(res);
        this.opts.onAuthRejected(again, false, creds.credential);
        throw again;
      }
    }
    if (!res.ok) throw await errorFromResponse(res);
    const text = await res.text().catch((e: unknown) => {
      throw errorFromThrown(e, callerSignal);
    });
    if (!text || spec.readAs === 'text') return (text || undefined) as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new ParleyError('INVALID_RESPONSE', `Expected JSON from ${spec.method} ${spec.path}`, { status: res.status, cause });
    }
  }

  /** For `{"data": X}` responses: returns X. */
  async data<T>(spec: RequestSpec): Promise<T> {
    const body = await this.request<{ data: T }>(spec);
    if (!body || typeof body !== 'object' || !('data' in body)) {
      throw new ParleyError('INVALID_RESPONSE', `Expected {"data": ...} from ${spec.method} ${spec.path}`);
    }
    return body.data;
  }

  private async send(url: string, spec: RequestSpec, auth: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...auth };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    try {
      return await this.opts.fetch(url, { method: spec.method, headers, body, signal: spec.signal });
    } catch (err) {
      throw errorFromThrown(err, spec.signal);
    }
  }
}

/** Standard base64 of UTF-8 JSON, the X-Scope-Config encoding MTChat's SDK uses (btoa over bytes, so non-ASCII works). */
export function encodeScope(scope: { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[] }): string {
  const bytes = new TextEncoder().encode(JSON.stringify(scope));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
