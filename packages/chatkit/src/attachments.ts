/**
 * @module attachments: limits checked before any byte leaves (size, count, type), then the upload: direct
 * (multipart to the host's endpoint) or two-phase (`attachments.create`, then the bytes to `upload_descriptor`
 * or the legacy flat `upload_url`), with byte progress and cancel.
 */
import { ChatKitError } from './errors.js';
import type { AttachmentLimits, UploadStrategy } from './options.js';
import type { Transport } from './transport.js';
import { sendBytes } from './upload-bytes.js';

export type ChatKitAttachment = {
  type: 'file' | 'image';
  id: string;
  name: string;
  mime_type: string;
  preview_url?: string;
  [k: string]: unknown;
};

export interface UploadInput {
  name: string;
  mimeType: string;
  data: Blob | Uint8Array;
  /** 0 before anything is sent, then the fraction of the bytes sent (byte counts alongside), 1 when they are stored. */
  onProgress?: (fraction: number, bytes?: { loaded: number; total: number }) => void;
  signal?: AbortSignal;
}

const mimeMatches = (pattern: string, mime: string) =>
  pattern === '*' || pattern === mime || (pattern.endsWith('/*') && mime.startsWith(pattern.slice(0, -1)));

/** Throws `attachment.rejected` when the file breaks a limit; `already` is how many the message holds. */
export function checkLimits(limits: AttachmentLimits, file: { name: string; mimeType: string; size: number }, already: number): void {
  const maxSize = limits.maxSize ?? 100 * 1024 * 1024;
  const maxCount = limits.maxCount ?? 10;
  if (already >= maxCount) throw new ChatKitError('attachment.rejected', `At most ${maxCount} attachments per message.`);
  if (file.size > maxSize) throw new ChatKitError('attachment.rejected', `${file.name} is larger than ${maxSize} bytes.`);
  if (limits.accept && !limits.accept.some((p) => mimeMatches(p, file.mimeType)))
    throw new ChatKitError('attachment.rejected', `${file.name}: ${file.mimeType} is not accepted.`);
}

const sizeOf = (data: Blob | Uint8Array) => (data instanceof Uint8Array ? data.byteLength : data.size);
const blobOf = (data: Blob | Uint8Array, type: string) => (data instanceof Uint8Array ? new Blob([data as BlobPart], { type }) : data);

/** Sends the bytes (multipart with `extra` fields, or the raw file) and reports byte progress as a fraction. */
async function put(
  transport: Transport,
  url: string,
  method: string,
  headers: Record<string, string>,
  input: UploadInput,
  multipart: boolean,
  extra: Record<string, string> = {},
): Promise<unknown> {
  let body: Blob;
  const h = { ...headers };
  if (multipart) {
    const form = new FormData();
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append('file', blobOf(input.data, input.mimeType), input.name);
    // Encoded once, so its size (the progress total) and its boundary are known before the first byte.
    const encoded = new Response(form);
    body = await encoded.blob();
    h['content-type'] = encoded.headers.get('content-type') ?? body.type;
  } else {
    body = blobOf(input.data, input.mimeType);
    h['content-type'] = input.mimeType;
  }
  let last = 0;
  const res = await sendBytes(transport, {
    url,
    method,
    headers: h,
    body,
    ...(input.signal ? { signal: input.signal } : {}),
    onBytes: (loaded, total) => {
      const fraction = total > 0 ? Math.min(1, loaded / total) : 1;
      if (fraction <= last) return;
      last = fraction;
      input.onProgress?.(fraction, { loaded, total });
    },
  });
  if (res.status < 200 || res.status >= 300)
    throw new ChatKitError('attachment.upload_failed', 'The upload failed.', { status: res.status });
  if (last < 1) input.onProgress?.(1, { loaded: body.size, total: body.size });
  return res.json;
}

export async function upload(transport: Transport, strategy: UploadStrategy, input: UploadInput): Promise<ChatKitAttachment> {
  input.onProgress?.(0, { loaded: 0, total: sizeOf(input.data) });
  const size = sizeOf(input.data);
  if (strategy.type === 'direct') {
    const headers = await transport.headers({ url: strategy.uploadUrl, method: 'POST', type: 'upload' });
    const result = await put(transport, strategy.uploadUrl, 'POST', headers, input, true, {
      name: input.name,
      mime_type: input.mimeType,
      size: String(size),
    });
    if (!result || typeof (result as ChatKitAttachment).id !== 'string')
      throw new ChatKitError('attachment.upload_failed', 'The upload endpoint returned no attachment.');
    return result as ChatKitAttachment;
  }
  const created = await transport.json<
    ChatKitAttachment & { upload_descriptor?: { url: string; method?: string; headers?: Record<string, string> }; upload_url?: string }
  >('attachments.create', { name: input.name, size, mime_type: input.mimeType }, {}, input.signal);
  const descriptor = created.upload_descriptor ?? (created.upload_url ? { url: created.upload_url, method: 'POST', headers: {} } : null);
  if (!descriptor) throw new ChatKitError('protocol', 'attachments.create returned no upload target.');
  try {
    const method = (descriptor.method ?? 'POST').toUpperCase();
    const result = await put(transport, descriptor.url, method, descriptor.headers ?? {}, input, method === 'POST');
    const { upload_descriptor: _d, upload_url: _u, ...attachment } = created;
    return result && typeof (result as ChatKitAttachment).id === 'string' ? (result as ChatKitAttachment) : attachment;
  } catch (err) {
    // A cancelled or failed upload leaves nothing behind on the server.
    await transport.json('attachments.delete', { attachment_id: created.id }).catch(() => {});
    throw err;
  }
}
