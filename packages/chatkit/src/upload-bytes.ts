/**
 * @module upload-bytes: sends an attachment's bytes with byte-level progress: XMLHttpRequest's upload events in
 * browsers, a counted request stream in Node (fetch has no upload progress of its own); through the host's own
 * fetch in a browser only the end is reported.
 */
import { ChatKitError } from './errors.js';
import type { Transport } from './transport.js';

export interface BytesRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Blob;
  onBytes?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}
export interface BytesAnswer {
  status: number;
  json: unknown;
}

const CHUNK = 64 * 1024;
const cancelled = () => new ChatKitError('cancelled', 'The upload was cancelled.');
const failed = () => new ChatKitError('transport', 'The upload failed.', { allowRetry: true });
const parse = (text: string, type: string | null): unknown => {
  if (!(type ?? '').includes('json')) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

export function sendBytes(transport: Transport, req: BytesRequest): Promise<BytesAnswer> {
  if (req.signal?.aborted) return Promise.reject(cancelled());
  if (typeof XMLHttpRequest !== 'undefined' && !transport.customFetch) return withXhr(req);
  if (typeof XMLHttpRequest === 'undefined') return withStream(transport, req);
  return withFetch(transport, req, req.body);
}

function withXhr(req: BytesRequest): Promise<BytesAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(req.method, req.url);
    for (const [k, v] of Object.entries(req.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => req.onBytes?.(e.loaded, e.lengthComputable ? e.total : req.body.size);
    xhr.onload = () => resolve({ status: xhr.status, json: parse(xhr.responseText, xhr.getResponseHeader('content-type')) });
    xhr.onerror = () => reject(failed());
    xhr.onabort = () => reject(cancelled());
    req.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(req.body);
  });
}

/** Node: the body as a stream read in 64 KiB chunks; a chunk counts once fetch has pulled it. */
function withStream(transport: Transport, req: BytesRequest): Promise<BytesAnswer> {
  const total = req.body.size;
  let loaded = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (loaded >= total) return controller.close();
      const chunk = new Uint8Array(await req.body.slice(loaded, loaded + CHUNK).arrayBuffer());
      loaded += chunk.byteLength;
      controller.enqueue(chunk);
      req.onBytes?.(loaded, total);
    },
  });
  const headers = { ...req.headers, 'content-length': String(total) };
  return withFetch(transport, { ...req, headers }, stream, { duplex: 'half' });
}

async function withFetch(
  transport: Transport,
  req: BytesRequest,
  body: BodyInit,
  extra: Record<string, unknown> = {},
): Promise<BytesAnswer> {
  const init = { method: req.method, headers: req.headers, body, ...extra, ...(req.signal ? { signal: req.signal } : {}) } as RequestInit;
  const res = await transport.fetch(req.url, init).catch(() => {
    throw req.signal?.aborted ? cancelled() : failed();
  });
  const text = await res.text().catch(() => '');
  if (transport.customFetch || typeof XMLHttpRequest !== 'undefined') req.onBytes?.(req.body.size, req.body.size);
  return { status: res.status, json: parse(text, res.headers.get('content-type')) };
}
