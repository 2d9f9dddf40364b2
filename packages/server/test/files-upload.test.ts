/**
 * Presigned uploads on both stores (disk, and S3 against an in-process S3-compatible server): the presign
 * contract and its checks, who may presign, server-made keys, and what an upload URL refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { aliceAndBobDialog, png, presign, put, sleep, startFileServer, STORES, type FileServer } from './support/files.js';
import type { Api } from './support/api.js';
import { loadConfig } from '../src/app.js';

const UUID7 = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}';

describe.each(STORES)('uploads on the %s store', (store) => {
  let server: FileServer;
  let alice: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startFileServer(store);
    dialogId = await aliceAndBobDialog(server);
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('presigns an upload with a server-made key and uploads through the URL', async () => {
    const bytes = await png();
    const res = await alice.post('/api/v1/upload/presign', {
      dialog_id: dialogId,
      filename: 'Photo.PNG',
      content_type: 'image/png',
      size: bytes.length,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual(['upload_url', 's3_key', 'expires_in']);
    expect(res.body.data.expires_in).toBe(300);
    expect(res.body.data.s3_key).toMatch(new RegExp(`^dialogs/${dialogId}/${UUID7}\\.png$`));
    expect(await server.stored(res.body.data.s3_key)).toBe(false);
    const up = await put(res.body.data.upload_url, bytes, 'image/png');
    expect(up.status, up.text).toBe(200);
    expect(await server.stored(res.body.data.s3_key)).toBe(true);
  });

  it('keeps every path segment of the key its own, whatever the filename says', async () => {
    for (const filename of [
      '../../../etc/passwd',
      '..\\..\\windows\\system.ini',
      'a/../../b.exe/..',
      'x.p/h%2e%2e/p',
      'report.tar.gz',
      '.htaccess',
      'photo.j p g',
      '\u202Egnp.exe',
    ]) {
      const p = await presign(alice, dialogId, { filename, content_type: 'text/plain', size: 5 });
      expect(p.s3_key, filename).toMatch(new RegExp(`^dialogs/${dialogId}/${UUID7}\\.[a-z0-9]{1,10}$`));
      expect(p.s3_key).not.toContain('..');
    }
    const gz = await presign(alice, dialogId, { filename: 'report.tar.gz', content_type: 'application/gzip', size: 5 });
    expect(gz.s3_key.endsWith('.gz')).toBe(true);
    const odd = await presign(alice, dialogId, { filename: 'photo.j p g', content_type: 'image/jpeg', size: 5 });
    expect(odd.s3_key.endsWith('.jpg')).toBe(true);
  });

  it('refuses types outside the allowlist and sizes outside 1 byte .. 100 MiB', async () => {
    for (const content_type of ['application/x-msdownload', 'text/javascript', 'IMAGE/PNG', 'image/png; charset=utf-8']) {
      const res = await alice.post('/api/v1/upload/presign', { dialog_id: dialogId, filename: 'x', content_type, size: 10 });
      expectError(res, 400, 'UNSUPPORTED_FILE_TYPE');
      expect(res.body.error.message).toContain(`'${content_type}' is not allowed`);
    }
    for (const size of [0, -1, 104_857_601]) {
      const res = await alice.post('/api/v1/upload/presign', {
        dialog_id: dialogId,
        filename: 'x.pdf',
        content_type: 'application/pdf',
        size,
      });
      expectError(res, 400, 'FILE_TOO_LARGE');
    }
    const max = await alice.post('/api/v1/upload/presign', {
      dialog_id: dialogId,
      filename: 'x.pdf',
      content_type: 'application/pdf',
      size: 104_857_600,
    });
    expect(max.status).toBe(200);
    const untyped = await alice.post('/api/v1/upload/presign', { dialog_id: dialogId, filename: 'blob', content_type: '', size: 3 });
    expect(untyped.status).toBe(200);
    expect(untyped.body.data.s3_key.endsWith('.bin')).toBe(true);
  });

  it('lets only participants presign, and only for their own dialog', async () => {
    const body = { filename: 'a.txt', content_type: 'text/plain', size: 5 };
    const stranger = await server.user('mallory');
    expectError(await stranger.post('/api/v1/upload/presign', { dialog_id: dialogId, ...body }), 404, 'DIALOG_NOT_FOUND');
    // Able to see and join the dialog through a scope, but not a participant yet.
    const candidate = (await server.user('carol')).withScope({ scope_level0: ['acme'] });
    expectError(await candidate.post('/api/v1/upload/presign', { dialog_id: dialogId, ...body }), 403, 'FORBIDDEN');
    expectError(
      await alice.post('/api/v1/upload/presign', { dialog_id: '01890000-0000-7000-8000-000000000000', ...body }),
      404,
      'DIALOG_NOT_FOUND',
    );
    const other = (await createDialog(server, { participants: [person('bob')] })).id;
    expectError(await alice.post('/api/v1/upload/presign', { dialog_id: other, ...body }), 404, 'DIALOG_NOT_FOUND');
    expectError(await server.anon().post('/api/v1/upload/presign', { dialog_id: dialogId, ...body }), 401, 'UNAUTHORIZED');
  });

  it('refuses a body of another content type than the URL was signed for', async () => {
    const bytes = await png();
    const p = await presign(alice, dialogId, { filename: 'a.png', content_type: 'image/png', size: bytes.length });
    for (const type of ['text/html', 'image/svg+xml', 'application/octet-stream']) {
      const res = await put(p.upload_url, bytes, type);
      expect(res.status, `${type}: ${res.text}`).toBe(403);
    }
    expect(await server.stored(p.s3_key)).toBe(false);
  });

  it('refuses a body larger or smaller than the URL was signed for', async () => {
    const p = await presign(alice, dialogId, { filename: 'a.txt', content_type: 'text/plain', size: 10 });
    const larger = await put(p.upload_url, Buffer.alloc(11, 0x61), 'text/plain');
    expect(larger.status, larger.text).toBe(403);
    const huge = await put(p.upload_url, Buffer.alloc(1024 * 1024, 0x61), 'text/plain');
    expect(huge.status, huge.text).toBe(403);
    const smaller = await put(p.upload_url, Buffer.alloc(9, 0x61), 'text/plain');
    expect(smaller.status, smaller.text).toBe(403);
    expect(await server.stored(p.s3_key)).toBe(false);
    expect((await put(p.upload_url, Buffer.alloc(10, 0x61), 'text/plain')).status).toBe(200);
  });

  it('refuses a streamed body that runs past the signed size', async () => {
    const p = await presign(alice, dialogId, { filename: 'a.txt', content_type: 'text/plain', size: 10 });
    const chunks = [Buffer.alloc(8, 0x61), Buffer.alloc(8, 0x62)];
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetch(p.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    await res.arrayBuffer();
    expect([403, 413]).toContain(res.status);
    expect(await server.stored(p.s3_key)).toBe(false);
  });

  it('refuses an upload URL replayed against another key', async () => {
    const mine = await presign(alice, dialogId, { filename: 'a.txt', content_type: 'text/plain', size: 5 });
    const bob = await server.user('bob');
    const theirs = await presign(bob, dialogId, { filename: 'b.txt', content_type: 'text/plain', size: 5 });
    const replayed = mine.upload_url.replace(mine.s3_key, theirs.s3_key);
    expect(replayed).not.toBe(mine.upload_url);
    const res = await put(replayed, 'evil!', 'text/plain');
    expect(res.status, res.text).toBe(403);
    expect(await server.stored(theirs.s3_key)).toBe(false);
    // Nor may a key outside the dialogs/ layout be reached through a signed URL.
    const escaped = mine.upload_url.replace(mine.s3_key, `${mine.s3_key.split('/').slice(0, 2).join('/')}/../../secret.txt`);
    expect([400, 403, 404]).toContain((await put(escaped, 'evil!', 'text/plain')).status);
  });

  it('refuses an expired upload URL', async () => {
    const short = await startFileServer(store, { S3_PRESIGN_UPLOAD_EXPIRY: '1' });
    try {
      const dialog = (await createDialog(short, { participants: [person('alice')] })).id;
      const api = await short.user('alice');
      const p = await presign(api, dialog, { filename: 'a.txt', content_type: 'text/plain', size: 5 });
      expect(p.expires_in).toBe(1);
      await sleep(2500);
      const res = await put(p.upload_url, 'hello', 'text/plain');
      expect(res.status, res.text).toBe(403);
      expect(await short.stored(p.s3_key)).toBe(false);
    } finally {
      await short.close();
    }
  });
});

describe('S3_PUBLIC_ENDPOINT', () => {
  let server: FileServer;

  beforeAll(async () => {
    server = await startFileServer('s3', {}, { publicHost: 'localhost' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs browser-facing URLs for the public endpoint, and they work there', async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const alice = await server.user('alice');
    const bytes = await png();
    const p = await presign(alice, dialogId, { filename: 'a.png', content_type: 'image/png', size: bytes.length });
    expect(new URL(p.upload_url).hostname).toBe('localhost');
    expect((await put(p.upload_url, bytes, 'image/png')).status).toBe(200);
    const sent = await alice.post(`/api/v1/dialogs/${dialogId}/messages`, {
      content: '',
      attachments: [{ s3_key: p.s3_key, filename: 'a.png', content_type: 'image/png', size: bytes.length }],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const url = new URL(sent.body.data.attachments[0].url);
    expect(url.hostname).toBe('localhost');
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('file store configuration', () => {
  it('refuses a partial S3 configuration instead of quietly using the disk store', () => {
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'files' })).toThrow(
      /S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: required/,
    );
    expect(loadConfig({}).files.s3).toBeUndefined();
    expect(loadConfig({ S3_PRESIGN_UPLOAD_EXPIRY: '600', UPLOAD_CLAIM_WINDOW_SECS: '60' }).files.claimWindowSecs).toBe(600);
  });
});
