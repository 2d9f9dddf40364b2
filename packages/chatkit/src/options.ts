/** @module options: what createChatKit accepts (hosted or custom API, transport tuning, limits, host callbacks). */
import type { ChatKitItem } from './state.js';

/** The request a header builder sees: the ChatKit POST or an upload. */
export interface OutgoingRequest {
  url: string;
  method: string;
  /** The ChatKit request type, or `upload` for attachment bytes. */
  type: string;
}

export interface HostedApi {
  /** Returns a fresh client secret; called lazily, before a JWT secret expires, and once on a 401. */
  getClientSecret(current: string | null): Promise<string>;
  /** The ChatKit endpoint; defaults to OpenAI's hosted endpoint. */
  url?: string;
}

export type UploadStrategy = { type: 'two_phase' } | { type: 'direct'; uploadUrl: string };

export interface CustomApi {
  url: string;
  /** Sent as `x-chatkit-domain-key` (a public allow-list key, never authentication). */
  domainKey?: string;
  headers?: Record<string, string>;
  /** Called for every request (ChatKit POSTs and uploads), so short-lived credentials are always current. */
  headersBuilder?: (request: OutgoingRequest) => Record<string, string> | Promise<Record<string, string>>;
  fetch?: typeof fetch;
  uploadStrategy?: UploadStrategy;
}

export interface TransportOptions {
  /** A stream with no bytes for this long is dropped (and retried when nothing arrived yet). Default 45 s. */
  keepAliveTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Retries of one request, before its first event only. Default 5. */
  maxRetries?: number;
  /** Longest wait a 429 `Retry-After` may impose before the request fails instead. Default 60 s. */
  maxRetryAfterMs?: number;
  /** A source of numbers in [0, 1) for the jitter; seed it in tests. */
  random?: () => number;
  /** Waits `ms`; injectable so tests need not sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Only for servers that honour it: every streaming request carries a fresh key in this header (the same on each of
   * its retries), and a stream cut after its first event is retried as well; the server must answer a repeated key
   * by replaying that response from its start (the client rewinds its state first). Parley's /chatkit does not.
   */
  idempotencyKeyHeader?: string;
}

export interface AttachmentLimits {
  /** Bytes; default 100 MB. */
  maxSize?: number;
  /** Per message; default 10. */
  maxCount?: number;
  /** MIME patterns (`image/*`, `application/pdf`); default any. */
  accept?: string[];
}

/** A schema the client tool's arguments must pass before the host's handler runs (zod schemas fit). */
export interface ArgumentSchema<T = unknown> {
  parse(value: unknown): T;
}

export interface ClientTool<T = unknown> {
  schema: ArgumentSchema<T>;
  handler(args: T, call: { name: string; callId: string; threadId: string }): unknown | Promise<unknown>;
}

export interface Entity {
  id: string;
  title: string;
  icon?: string;
  interactive?: boolean;
  group?: string;
  data?: Record<string, string>;
}

export interface ChatKitOptions {
  api: HostedApi | CustomApi;
  locale?: string;
  transport?: TransportOptions;
  attachments?: AttachmentLimits;
  /** Client tools by name: only these run, and only with arguments their schema accepts. */
  // biome-ignore lint/suspicious/noExplicitAny: each tool fixes its own argument type; the map holds tools of every type
  clientTools?: Record<string, ClientTool<any>>;
  entities?: {
    onTagSearch?(query: string): Promise<Entity[]>;
    onClick?(entity: Entity): void;
    onRequestPreview?(entity: Entity): Promise<{ preview: unknown | null }>;
  };
  /** Widget actions with `handler: 'client'`. */
  widgets?: { onAction?(action: { type: string; payload?: unknown }, item: ChatKitItem): void | Promise<void> };
  /** Turns recorded audio into text for the composer (`input.transcribe` when absent). */
  transcribe?: (audio: { base64: string; mimeType: string }) => Promise<string>;
}

export const isHosted = (api: HostedApi | CustomApi): api is HostedApi => typeof (api as HostedApi).getClientSecret === 'function';

export const OPENAI_HOSTED_URL = 'https://api.openai.com/v1/chatkit';

/** Refuses plain-http endpoints except on this machine (guideline 3); relative URLs are the page's own origin. */
export function checkSecureUrl(url: string): void {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return;
  const parsed = new URL(url);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && local)) return;
  throw new TypeError(`ChatKit: refusing ${parsed.protocol}//${parsed.host}: use https (http only for localhost)`);
}
