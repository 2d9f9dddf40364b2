/**
 * Attaching uploads to messages on both stores: the AttachmentResponse shape with working URLs and thumbnails,
 * and every claim rule (own upload, this dialog, unused, uploaded, presigned type and size, magic number).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createDialog, expectError, person } from './support/fixtures.js';
import {
  aliceAndBobDialog,
  download,
  html,
  jpeg,
  pdf,
  png,
  presign,
  put,
  sendWith,
  startFileServer,
  STORES,
  svg,
  text,
  thumbnailUrl,
  upload,
  type FileServer,
} from './support/files.js';
import type { Api } from './support/api.js';

describe.each(STORES)('attachments on the %s store', (store) => {
  let server: FileServer;
  let alice: Api;
  let bob: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startFileServer(store);
    dialogId = await aliceAndBobDialog(server);
    alice = await server.user('alice');
    bob = await server.user('bob');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends a message with an image: MTChat shape, dimensions, a working URL and thumbnail', async () => {
    const bytes = await png(64, 48);
    const up = await upload(alice, dialogId, { filename: 'chart.png', content_type: 'image/png', bytes });
    const res = await sendWith(alice, dialogId, [up.attachment]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [a] = res.body.data.attachments;
    expect(Object.keys(res.body.data).at(-1)).toBe('attachments');
    // The thumbnail is made in the background: the send carries thumbnail_url only if it was already done.
    expect(Object.keys(a).slice(0, 7)).toEqual(['id', 'filename', 'content_type', 'size', 'width', 'height', 'url']);
    expect(Object.keys(a).slice(7)).toEqual('thumbnail_url' in a ? ['thumbnail_url'] : []);
    expect(a).toMatchObject({ filename: 'chart.png', content_type: 'image/png', size: bytes.length, width: 64, height: 48 });
    const file = await download(a.url);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toBe('inline; filename="chart.png"');
    const thumb = await download(await thumbnailUrl(bob, a.id));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([64, 48]);

    // The page carries the same attachment with a fresh URL; a message without files has no attachments key.
    await alice.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'no files' });
    const page = await bob.get(`/api/v1/dialogs/${dialogId}/messages`);
    const listed = page.body.data.messages.find((m: { id: string }) => m.id === res.body.data.id);
    expect(listed.attachments).toHaveLength(1);
    expect(listed.attachments[0]).toMatchObject({ id: a.id, filename: 'chart.png', width: 64, height: 48 });
    expect((await download(listed.attachments[0].url)).bytes.equals(bytes)).toBe(true);
    const plain = page.body.data.messages.find((m: { content: string }) => m.content === 'no files');
    expect('attachments' in plain).toBe(false);

    // The URL endpoint: alphabetical keys as MTChat prints them, for participants.
    const url = await bob.get(`/api/v1/attachments/${a.id}/url`);
    expect(url.status).toBe(200);
    expect(Object.keys(url.body.data)).toEqual(['expires_in', 'thumbnail_url', 'url']);
    expect(url.body.data.expires_in).toBe(3600);
    expect((await download(url.body.data.url)).bytes.equals(bytes)).toBe(true);
    expect((await download(url.body.data.thumbnail_url)).status).toBe(200);
  });

  it('keeps the order of several files and makes thumbnails only of raster images', async () => {
    const files = [
      { filename: 'terms.pdf', content_type: 'application/pdf', bytes: pdf() },
      { filename: 'notes.txt', content_type: 'text/plain', bytes: text('line one\nline two\n') },
      { filename: 'photo.jpg', content_type: 'image/jpeg', bytes: await jpeg(800, 600) },
    ];
    const ups = [];
    for (const f of files) ups.push(await upload(alice, dialogId, f));
    const res = await sendWith(
      alice,
      dialogId,
      ups.map((u) => u.attachment),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = res.body.data.attachments;
    expect(got.map((a: { filename: string }) => a.filename)).toEqual(['terms.pdf', 'notes.txt', 'photo.jpg']);
    expect('thumbnail_url' in got[0] || 'width' in got[0]).toBe(false);
    expect('thumbnail_url' in got[1]).toBe(false);
    expect(got[2]).toMatchObject({ width: 800, height: 600 });
    const thumb = await sharp((await download(await thumbnailUrl(alice, got[2].id))).bytes).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
    for (let i = 0; i < files.length; i++) expect((await download(got[i].url)).bytes.equals(files[i]!.bytes)).toBe(true);
  });

  it('serves active types (SVG, HTML, XML) only as downloads', async () => {
    const files = [
      { filename: 'logo.svg', content_type: 'image/svg+xml', bytes: svg() },
      { filename: 'page.html', content_type: 'text/html', bytes: html() },
      { filename: 'feed.xml', content_type: 'text/xml', bytes: Buffer.from('<?xml version="1.0"?><a/>') },
    ];
    const ups = [];
    for (const f of files) ups.push(await upload(alice, dialogId, f));
    const res = await sendWith(
      alice,
      dialogId,
      ups.map((u) => u.attachment),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const [i, a] of res.body.data.attachments.entries()) {
      expect('thumbnail_url' in a).toBe(false);
      const file = await download(a.url);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${files[i]!.filename}"`);
      if (store === 'disk') {
        expect(file.headers.get('x-content-type-options')).toBe('nosniff');
        expect(file.headers.get('content-security-policy')).toContain('sandbox');
      }
    }
  });

  it('accepts MTChat\'s untyped files ("") and serves them as opaque downloads', async () => {
    const bytes = Buffer.from([0x00, 0x01, 0x02, 0xff]);
    const p = await presign(alice, dialogId, { filename: 'blob', content_type: '', size: bytes.length });
    const res = await fetch(p.upload_url, { method: 'PUT', body: bytes });
    expect(res.status, await res.text()).toBe(200);
    // Whatever type the browser then sends, the file is served as opaque bytes, as a download.
    expect((await put(p.upload_url, bytes, 'text/html')).status).toBe(200);
    const sent = await sendWith(alice, dialogId, [{ s3_key: p.s3_key, filename: 'blob', content_type: '', size: bytes.length }]);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const a = sent.body.data.attachments[0];
    expect(a.content_type).toBe('');
    const file = await download(a.url);
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="blob"');
  });

  it('stores filenames without their path and serves them under that name', async () => {
    const up = await upload(alice, dialogId, { filename: 'x.txt', content_type: 'text/plain', bytes: text() });
    const res = await sendWith(alice, dialogId, [{ ...up.attachment, filename: '../../../etc/pass"wd.txt' }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body.data.attachments[0];
    expect(a.filename).toBe('pass_wd.txt');
    const file = await download(a.url);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="pass_wd.txt"');
  });

  it("refuses another user's upload, even in the same dialog", async () => {
    const theirs = await upload(bob, dialogId, { filename: 'b.txt', content_type: 'text/plain', bytes: text('bob') });
    expectError(await sendWith(alice, dialogId, [theirs.attachment]), 400, 'BAD_REQUEST');
    // The owner can still attach it.
    expect((await sendWith(bob, dialogId, [theirs.attachment])).status).toBe(200);
  });

  it("refuses another dialog's upload", async () => {
    const other = (await createDialog(server, { participants: [person('alice')] })).id;
    const elsewhere = await upload(alice, other, { filename: 'a.txt', content_type: 'text/plain', bytes: text() });
    expectError(await sendWith(alice, dialogId, [elsewhere.attachment]), 400, 'INVALID_INPUT');
    // Nor with a key spelled to look as if it were in this dialog.
    const disguised = { ...elsewhere.attachment, s3_key: `dialogs/${dialogId}/../${elsewhere.s3_key.slice('dialogs/'.length)}` };
    expectError(await sendWith(alice, dialogId, [disguised]), 400, 'INVALID_INPUT');
    const swapped = { ...elsewhere.attachment, s3_key: elsewhere.s3_key.replace(other, dialogId) };
    expectError(await sendWith(alice, dialogId, [swapped]), 400, 'BAD_REQUEST');
    expect((await sendWith(alice, other, [elsewhere.attachment])).status).toBe(200);
  });

  it('refuses a key that was already attached', async () => {
    const up = await upload(alice, dialogId, { filename: 'once.txt', content_type: 'text/plain', bytes: text() });
    expect((await sendWith(alice, dialogId, [up.attachment])).status).toBe(200);
    expectError(await sendWith(alice, dialogId, [up.attachment]), 400, 'BAD_REQUEST');
    const twice = await upload(alice, dialogId, { filename: 'twice.txt', content_type: 'text/plain', bytes: text() });
    expectError(await sendWith(alice, dialogId, [twice.attachment, twice.attachment]), 400, 'INVALID_INPUT');
  });

  it('refuses a key that was presigned but never uploaded', async () => {
    const p = await presign(alice, dialogId, { filename: 'ghost.txt', content_type: 'text/plain', size: 5 });
    const res = await sendWith(alice, dialogId, [{ s3_key: p.s3_key, filename: 'ghost.txt', content_type: 'text/plain', size: 5 }]);
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.body.error.message).toContain('File not found in storage');
    // Uploading afterwards makes it attachable.
    expect((await put(p.upload_url, 'hello', 'text/plain')).status).toBe(200);
    expect(
      (await sendWith(alice, dialogId, [{ s3_key: p.s3_key, filename: 'ghost.txt', content_type: 'text/plain', size: 5 }])).status,
    ).toBe(200);
  });

  it('refuses a declared type or size other than the presigned one', async () => {
    const bytes = await png();
    const up = await upload(alice, dialogId, { filename: 'a.png', content_type: 'image/png', bytes });
    expectError(await sendWith(alice, dialogId, [{ ...up.attachment, content_type: 'image/gif' }]), 400, 'BAD_REQUEST');
    expectError(await sendWith(alice, dialogId, [{ ...up.attachment, size: bytes.length + 1 }]), 400, 'BAD_REQUEST');
    expect((await sendWith(alice, dialogId, [up.attachment])).status).toBe(200);
  });

  it('refuses a file whose first bytes do not match its declared type', async () => {
    const cases = [
      { filename: 'fake.png', content_type: 'image/png', bytes: html() },
      { filename: 'fake.pdf', content_type: 'application/pdf', bytes: await png() },
      { filename: 'fake.jpg', content_type: 'image/jpeg', bytes: text('GIF89a not really') },
      { filename: 'fake.txt', content_type: 'text/plain', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]) },
      { filename: 'fake.svg', content_type: 'image/svg+xml', bytes: await png() },
      { filename: 'fake.json', content_type: 'application/json', bytes: text('alert(1)') },
    ];
    const before = (await alice.get(`/api/v1/dialogs/${dialogId}/messages?limit=200`)).body.data.messages.length;
    for (const c of cases) {
      const up = await upload(alice, dialogId, c);
      const res = await sendWith(alice, dialogId, [up.attachment]);
      expectError(res, 400, 'UNSUPPORTED_FILE_TYPE');
      expect(res.body.error.message).toContain(c.content_type);
    }
    expect((await alice.get(`/api/v1/dialogs/${dialogId}/messages?limit=200`)).body.data.messages.length).toBe(before);
  });

  it('checks the list: at most 10 files, allowed types, valid sizes and keys', async () => {
    const ups = [];
    for (let i = 0; i < 11; i++)
      ups.push((await upload(alice, dialogId, { filename: `f${i}.txt`, content_type: 'text/plain', bytes: text(`file ${i}`) })).attachment);
    const eleven = await sendWith(alice, dialogId, ups);
    expectError(eleven, 400, 'BAD_REQUEST');
    expect(eleven.body.error.message).toBe('Maximum 10 attachments per message');
    const ten = await sendWith(alice, dialogId, ups.slice(0, 10));
    expect(ten.status, JSON.stringify(ten.body)).toBe(200);
    expect(ten.body.data.attachments).toHaveLength(10);
    const base = { s3_key: `dialogs/${dialogId}/x.txt`, filename: 'x.txt', content_type: 'text/plain', size: 5 };
    expectError(await sendWith(alice, dialogId, [{ ...base, content_type: 'application/x-msdownload' }]), 400, 'BAD_REQUEST');
    expectError(await sendWith(alice, dialogId, [{ ...base, size: 0 }]), 400, 'BAD_REQUEST');
    expectError(await sendWith(alice, dialogId, [{ ...base, size: 104_857_601 }]), 400, 'BAD_REQUEST');
    expectError(await sendWith(alice, dialogId, [{ ...base, s3_key: `dialogs/${dialogId}/%2E%2E/x.txt` }]), 400, 'INVALID_INPUT');
    expectError(await sendWith(alice, dialogId, [{ ...base, s3_key: 'etc/passwd' }]), 400, 'INVALID_INPUT');
  });

  it('lets only participants send files or get download URLs', async () => {
    const up = await upload(alice, dialogId, { filename: 'secret.txt', content_type: 'text/plain', bytes: text('secret') });
    const mallory = await server.user('mallory');
    expectError(await sendWith(mallory, dialogId, [up.attachment]), 404, 'DIALOG_NOT_FOUND');
    const sent = await sendWith(alice, dialogId, [up.attachment]);
    const id = sent.body.data.attachments[0].id;
    expectError(await mallory.get(`/api/v1/attachments/${id}/url`), 404, 'ATTACHMENT_NOT_FOUND');
    const candidate = (await server.user('carol')).withScope({ scope_level0: ['acme'] });
    expectError(await candidate.get(`/api/v1/attachments/${id}/url`), 404, 'ATTACHMENT_NOT_FOUND');
    expectError(await server.anon().get(`/api/v1/attachments/${id}/url`), 401, 'UNAUTHORIZED');
    expectError(await alice.get('/api/v1/attachments/01890000-0000-7000-8000-000000000000/url'), 404, 'ATTACHMENT_NOT_FOUND');
    // A participant who leaves loses access.
    const dave = await server.user('dave');
    await server.admin.post(`/api/v1/management/dialogs/${dialogId}/participants`, { user_id: 'dave', display_name: 'Dave' });
    expect((await dave.get(`/api/v1/attachments/${id}/url`)).status).toBe(200);
    await server.admin.delete(`/api/v1/management/dialogs/${dialogId}/participants/dave`);
    expectError(await dave.get(`/api/v1/attachments/${id}/url`), 404, 'ATTACHMENT_NOT_FOUND');
  });

  it('refuses a download URL replayed against another file', async () => {
    const a = await upload(alice, dialogId, { filename: 'a.txt', content_type: 'text/plain', bytes: text('aaaa') });
    const b = await upload(alice, dialogId, { filename: 'b.txt', content_type: 'text/plain', bytes: text('bbbb') });
    const res = await sendWith(alice, dialogId, [a.attachment, b.attachment]);
    const [first, second] = res.body.data.attachments;
    const firstKey = new URL(first.url).pathname.split('/').slice(-3).join('/');
    const secondKey = new URL(second.url).pathname.split('/').slice(-3).join('/');
    expect(firstKey).not.toBe(secondKey);
    const replayed = first.url.replace(firstKey, secondKey);
    expect((await download(replayed)).status).toBe(403);
    // Nor does an upload key's URL reach the checked copy, nor a download URL allow a write.
    expect((await put(first.url, 'evil', 'text/plain')).status).toBe(403);
  });

  it('attaches an upload to one message only, even when two sends race for it', async () => {
    const up = await upload(alice, dialogId, { filename: 'race.png', content_type: 'image/png', bytes: await png() });
    const results = await Promise.all([
      sendWith(alice, dialogId, [up.attachment], 'one'),
      sendWith(alice, dialogId, [up.attachment], 'two'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const page = await alice.get(`/api/v1/dialogs/${dialogId}/messages?limit=200`);
    const holders = page.body.data.messages.filter((m: { attachments?: { id: string }[] }) =>
      m.attachments?.some((a) => up.s3_key.includes(a.id)),
    );
    expect(holders).toHaveLength(1);
  });

  it('serves byte ranges, as media players ask', async () => {
    const bytes = text('0123456789abcdef');
    const up = await upload(alice, dialogId, { filename: 'range.txt', content_type: 'text/plain', bytes });
    const [a] = (await sendWith(alice, dialogId, [up.attachment])).body.data.attachments;
    const part = await download(a.url, { range: 'bytes=4-7' });
    expect(part.status).toBe(206);
    expect(part.bytes.toString()).toBe('4567');
    expect(part.headers.get('content-range')).toBe(`bytes 4-7/${bytes.length}`);
    if (store === 'disk') {
      // Suffix ranges too (the S3 test server does not implement them; S3 itself does).
      const tail = await download(a.url, { range: 'bytes=-3' });
      expect(tail.bytes.toString()).toBe('def');
      expect((await download(a.url, { range: 'bytes=99-' })).status).toBe(416);
    }
  });

  it('returns the stored message, attachments included, to a retried send', async () => {
    const up = await upload(alice, dialogId, { filename: 'retry.txt', content_type: 'text/plain', bytes: text('retry') });
    const body = { content: 'with file', client_message_id: `c-${store}-1`, attachments: [up.attachment] };
    const first = await alice.post(`/api/v1/dialogs/${dialogId}/messages`, body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await alice.post(`/api/v1/dialogs/${dialogId}/messages`, body);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.attachments.map((a: { id: string }) => a.id)).toEqual(
      first.body.data.attachments.map((a: { id: string }) => a.id),
    );
  });
});

describe('the disk store routes', () => {
  let server: FileServer;
  let alice: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startFileServer('disk');
    dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers HEAD on a download URL and CORS preflights of an upload URL', async () => {
    const bytes = text('head me');
    const up = await upload(alice, dialogId, { filename: 'h.txt', content_type: 'text/plain', bytes });
    const [a] = (await sendWith(alice, dialogId, [up.attachment])).body.data.attachments;
    const head = await fetch(a.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const p = await presign(alice, dialogId, { filename: 'c.txt', content_type: 'text/plain', size: 3 });
    const preflight = await fetch(p.upload_url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});
