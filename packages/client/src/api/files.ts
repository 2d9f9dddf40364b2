/**
 * @module api/files: uploads in three steps: presign (Parley names the key and signs a URL for this user, dialog,
 * type and size), PUT the bytes to that URL (S3 or Parley's disk store; no Parley credentials go there), then
 * attach: the returned reference goes into `messages.send({ attachments })`. Progress and cancellation included.
 */
import { ParleyError, errorFromResponse, errorFromThrown } from '../errors.js';
import type { Http } from './http.js';
import type { AttachmentRef } from './types.js';

export interface UploadOptions {
  /** Called with bytes sent so far and the total. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** Defaults to the File's name. */
  filename?: string;
  /** Defaults to the Blob's type. */
  contentType?: string;
}

interface Presigned {
  upload_url: string;
  s3_key: string;
  expires_in: number;
}

type XhrLike = {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  status: number;
  responseText: string;
  upload: { onprogress: ((ev: { loaded: number; total: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};

export class FilesApi {
  constructor(
    private readonly http: Http,
    private readonly fetchImpl: typeof fetch,
  ) {}

  /**
   * Uploads a file for a dialog and returns the reference to attach to a message.
   *
   * @example
   * const ref = await client.files.upload(dialogId, input.files[0], { onProgress: (s, t) => bar.value = s / t });
   * await client.messages.send(dialogId, { content: '', attachments: [ref] });
   */
  async upload(dialogId: string, file: Blob, opts: UploadOptions = {}): Promise<AttachmentRef> {
    const filename = opts.filename ?? (file as Blob & { name?: string }).name ?? 'file';
    const contentType = opts.contentType ?? file.type;
    const size = file.size;
    const presigned = await this.http.data<Presigned>({
      method: 'POST',
      path: '/api/v1/upload/presign',
      body: { dialog_id: dialogId, filename, content_type: contentType, size },
      signal: opts.signal,
    });
    const url = new URL(presigned.upload_url, `${this.http.baseUrl}/`).toString();
    await this.put(url, file, contentType, opts);
    return { s3_key: presigned.s3_key, filename, content_type: contentType, size };
  }

  private put(url: string, file: Blob, contentType: string, opts: UploadOptions): Promise<void> {
    const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
    return Xhr ? this.putWithXhr(Xhr, url, file, contentType, opts) : this.putWithFetch(url, file, contentType, opts);
  }

  /** Browsers: XMLHttpRequest is the one API that reports upload progress everywhere. */
  private putWithXhr(Xhr: new () => XhrLike, url: string, file: Blob, contentType: string, opts: UploadOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new ParleyError('ABORTED', 'The upload was cancelled'));
      const xhr = new Xhr();
      const onAbort = () => xhr.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => opts.signal?.removeEventListener('abort', onAbort);
      xhr.open('PUT', url);
      if (contentType) xhr.setRequestHeader('content-type', contentType);
      xhr.upload.onprogress = (ev) => opts.onProgress?.(ev.loaded, ev.total || file.size);
      xhr.onload = () => {
        done();
        if (xhr.status >= 200 && xhr.status < 300) {
          opts.onProgress?.(file.size, file.size);
          return resolve();
        }
        reject(
          new ParleyError(
            xhr.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST',
            `Upload failed with HTTP ${xhr.status}: ${xhr.responseText}`,
            { status: xhr.status },
          ),
        );
      };
      xhr.onerror = () => {
        done();
        reject(new ParleyError('NETWORK_ERROR', 'Upload failed: network error'));
      };
      xhr.onabort = () => {
        done();
        reject(new ParleyError('ABORTED', 'The upload was cancelled'));
      };
      xhr.send(file);
    });
  }

  /** Elsewhere (Node): a streamed body, counting bytes as the network pulls them. */
  private async putWithFetch(url: string, file: Blob, contentType: string, opts: UploadOptions): Promise<void> {
    const total = file.size;
    let sent = 0;
    const reader = file.stream().getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) return controller.close();
        sent += value.byteLength;
        controller.enqueue(value);
        opts.onProgress?.(sent, total);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const headers: Record<string, string> = { 'content-length': String(total) };
    if (contentType) headers['content-type'] = contentType;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: 'PUT', headers, body, signal: opts.signal, duplex: 'half' } as RequestInit);
    } catch (err) {
      throw errorFromThrown(err, opts.signal);
    }
    if (!res.ok) throw await errorFromResponse(res);
    await res.body?.cancel().catch(() => {});
  }
}
