/**
 * @module files/disk: the embedded file store. Objects live under DATA_DIR/files/<key> with a small JSON sidecar
 * (content type, size). It owns no route and builds no URL: Parley's routes that serve it (http/disk-files.ts)
 * take their links from the link signer (http/links.ts).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type ReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isValidKey, type FileStore, type ObjectInfo } from './port.js';

export type ReceiveResult = 'stored' | 'too_large' | 'incomplete';

interface Sidecar {
  contentType: string;
  size: number;
}

export class DiskStore implements FileStore {
  readonly kind = 'disk' as const;
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'files');
  }

  /** The file of a key; refuses anything that is not a key Parley generates, so no path leaves the root. */
  pathOf(key: string): string {
    if (!isValidKey(key)) throw new Error('invalid storage key');
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('invalid storage key');
    return path;
  }

  /** Local files are always there. */
  async reachable(): Promise<void> {}

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
