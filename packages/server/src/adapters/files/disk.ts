/**
 * @module files/disk: the embedded file store. Objects live under DATA_DIR/files/<key> with a small JSON sidecar
 * (content type, size); upload and download URLs are Parley's own /api/v1/files/<key> routes (http/files.ts),
 * signed with HMAC-SHA256 over the method, key, expiry and the exact headers they allow, like S3's presigned URLs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, type ReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isValidKey, type DownloadGrant, type FileStore, type ObjectInfo, type UploadGrant } from './port.js';

export const FILES_ROUTE = '/api/v1/files/';

/** What a verified URL allows. */
export interface VerifiedGrant {
  key: string;
  contentType: string;
  /** PUT only: the exact number of bytes. */
  size?: number;
  /** GET only. */
  disposition?: string;
  expiresAt: number;
}

export type ReceiveResult = 'stored' | 'too_large' | 'incomplete';

interface Sidecar {
  contentType: string;
  size: number;
}

export class DiskStore implements FileStore {
  readonly kind = 'disk' as const;
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly secret: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.root = resolve(dataDir, 'files');
  }

  /** The file of a key; refuses anything that is not a key Parley generates, so no path leaves the root. */
  pathOf(key: string): string {
    if (!isValidKey(key)) throw new Error('invalid storage key');
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('invalid storage key');
    return path;
  }

  private sign(parts: readonly (string | number)[]): string {
    return createHmac('sha256', this.secret).update(parts.join('\n')).digest('base64url');
  }

  private url(baseUrl: string, key: string, params: Record<string, string>): string {
    return `${baseUrl}${FILES_ROUTE}${key}?${new URLSearchParams(params).toString()}`;
  }

  private expiry(expiresIn: number): number {
    return Math.floor(this.now().getTime() / 1000) + expiresIn;
  }

  async uploadUrl(g: UploadGrant): Promise<string> {
    const expires = this.expiry(g.expiresIn);
    const signature = this.sign(['PUT', g.key, expires, g.contentType, g.size]);
    return this.url(g.baseUrl, g.key, { expires: String(expires), type: g.contentType, size: String(g.size), signature });
  }

  async downloadUrl(g: DownloadGrant): Promise<string> {
    const expires = this.expiry(g.expiresIn);
    const signature = this.sign(['GET', g.key, expires, g.contentType, g.disposition]);
    return this.url(g.baseUrl, g.key, { expires: String(expires), type: g.contentType, disposition: g.disposition, signature });
  }

  /** Checks a request's URL against its signature and expiry; undefined when it does not hold. */
  verify(method: 'PUT' | 'GET', key: string, query: Record<string, unknown>): VerifiedGrant | undefined {
    const str = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const expires = str('expires');
    const type = str('type');
    const signature = str('signature');
    if (!isValidKey(key) || expires === undefined || !/^\d{1,12}$/.test(expires) || type === undefined || signature === undefined)
      return undefined;
    let parts: (string | number)[];
    let grant: VerifiedGrant;
    if (method === 'PUT') {
      const size = str('size');
      if (size === undefined || !/^\d{1,12}$/.test(size)) return undefined;
      parts = ['PUT', key, expires, type, size];
      grant = { key, contentType: type, size: Number(size), expiresAt: Number(expires) };
    } else {
      const disposition = str('disposition');
      if (disposition === undefined) return undefined;
      parts = ['GET', key, expires, type, disposition];
      grant = { key, contentType: type, disposition, expiresAt: Number(expires) };
    }
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (grant.expiresAt * 1000 < this.now().getTime()) return undefined;
    return grant;
  }

  /**
   * Streams a request body into the object, refusing more than `size` bytes and fewer. The object appears only
   * when complete (written aside, then renamed): a reader never sees half a file, and an earlier link to the
   * previous version (a checked copy) keeps its own bytes.
   */
  async receive(key: string, body: Readable, size: number, contentType: string): Promise<ReceiveResult> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.part`;
    let received = 0;
    let tooLarge = false;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > size) {
              tooLarge = true;
              throw new Error('too large');
            }
            yield chunk;
          }
        },
        createWriteStream(temp, { mode: 0o600 }),
      );
    } catch (err) {
      await rm(temp, { force: true });
      if (tooLarge) return 'too_large';
      throw err;
    }
    if (received !== size) {
      await rm(temp, { force: true });
      return 'incomplete';
    }
    await writeFile(`${temp}.json`, JSON.stringify({ contentType, size } satisfies Sidecar), { mode: 0o600 });
    await rename(`${temp}.json`, `${path}.json`);
    await rename(temp, path);
    return 'stored';
  }

  /** Opens an object for serving, or undefined when it does not exist. */
  async openForRead(key: string, range?: { start: number; end: number }): Promise<ReadStream | undefined> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return range ? handle.createReadStream({ start: range.start, end: range.end }) : handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.json`, 'utf8')]);
      const sidecar = JSON.parse(meta) as Sidecar;
      return { size: info.size, contentType: sidecar.contentType };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async copy(from: string, to: string): Promise<boolean> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    await mkdir(dirname(target), { recursive: true });
    try {
      await copyFile(`${source}.json`, `${target}.json`);
      await rm(target, { force: true });
      // A hard link is instant; the upload route replaces files by rename, so the copy keeps these bytes.
      await link(source, target).catch(() => copyFile(source, target));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async write(key: string, body: Buffer, contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.part`;
    await writeFile(temp, body, { mode: 0o600 });
    await writeFile(`${path}.json`, JSON.stringify({ contentType, size: body.length } satisfies Sidecar), { mode: 0o600 });
    await rename(temp, path);
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await unlink(path).catch(ignoreMissing);
    await unlink(`${path}.json`).catch(ignoreMissing);
  }

  async close(): Promise<void> {}
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
