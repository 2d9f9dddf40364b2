/**
 * File-store fixtures: a real S3-compatible server (@20minutes/s3rver, in-process, verifying SigV4 signatures) or
 * the embedded disk store; a test server wired to either; the presign + PUT flow as MTChat's SDK runs it; and
 * small sample files of real formats.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Api, Res } from './api.js';
import { createDialog, person } from './fixtures.js';
import { startServer, type TestServer } from './server.js';
import { eventually } from './poll.js';

export type StoreKind = 'disk' | 's3';
export const STORES: StoreKind[] = ['disk', 's3'];

export interface FileServer extends TestServer {
  store: StoreKind;
  /** Whether the store holds an object under this key (looked up in the store itself, not through Parley). */
  stored(key: string): Promise<boolean>;
}

const BUCKET = 'parley-test';

/**
 * Starts Parley on the given store (and, for S3, an S3-compatible server of its own). `publicHost` makes the
 * S3 server's public endpoint another host name for the same server (S3_PUBLIC_ENDPOINT).
 */
export async function startFileServer(
  store: StoreKind,
  env: Record<string, string> = {},
  opts: { publicHost?: string } = {},
): Promise<FileServer> {
  if (store === 'disk') {
    const server = await startServer(env);
    return { ...server, store, stored: async (key) => existsSync(join(server.dataDir, 'files', key)) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-s3-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = (await s3.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const server = await startServer({
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_BUCKET: BUCKET,
    ...(opts.publicHost ? { S3_PUBLIC_ENDPOINT: `http://${opts.publicHost}:${port}` } : {}),
    ...env,
  });
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    ...server,
    store,
    async stored(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        return true;
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw err;
      }
    },
    async close() {
      await server.close();
      client.destroy();
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FileSpec {
  filename: string;
  content_type: string;
  bytes: Buffer;
}

export interface Presigned {
  upload_url: string;
  s3_key: string;
  expires_in: number;
}

export async function presign(api: Api, dialogId: string, f: { filename: string; content_type: string; size: number }): Promise<Presigned> {
  const res = await api.post('/api/v1/upload/presign', { dialog_id: dialogId, ...f });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

/** PUT to an upload URL as a browser's XHR does: the body, with its Content-Type. */
export async function put(url: string, bytes: Buffer | string, contentType: string): Promise<Res> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: text, text, headers: res.headers };
}

/** Presign, then upload: returns the key and the attachment entry a message would send. */
export async function upload(api: Api, dialogId: string, f: FileSpec) {
  const p = await presign(api, dialogId, { filename: f.filename, content_type: f.content_type, size: f.bytes.length });
  const res = await put(p.upload_url, f.bytes, f.content_type);
  expect(res.status, res.text).toBe(200);
  return { ...p, attachment: { s3_key: p.s3_key, filename: f.filename, content_type: f.content_type, size: f.bytes.length } };
}

export async function sendWith(api: Api, dialogId: string, attachments: unknown[], content = 'see attached') {
  return api.post(`/api/v1/dialogs/${dialogId}/messages`, { content, attachments });
}

/** Thumbnails are made in the background: polls the attachment's URL endpoint until it has one. */
export async function thumbnailUrl(api: Api, attachmentId: string): Promise<string> {
  let url: string | null = null;
  await eventually(async () => {
    const res = await api.get(`/api/v1/attachments/${attachmentId}/url`);
    expect(res.status, res.text).toBe(200);
    url = res.body.data.thumbnail_url;
    return url !== null;
  }, `attachment ${attachmentId} has a thumbnail`);
  return url!;
}

/** Fetches a download URL (no credentials: the URL is the credential). */
export async function download(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export async function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
}

export async function jpeg(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .toBuffer();
}

export const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const text = (s = 'hello, world\n') => Buffer.from(s);
export const svg = () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
export const html = () => Buffer.from('<!doctype html><script>alert(document.domain)</script>');

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The dialog the file tests share: alice and bob, in scope acme. */
export async function aliceAndBobDialog(server: TestServer): Promise<string> {
  return (await createDialog(server, { participants: [person('alice'), person('bob')], access_scopes: [{ scope_level0: ['acme'] }] })).id;
}
