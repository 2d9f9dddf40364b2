/**
 * No leaks, no orphans, on both stores: uploads never attached expire and are deleted; attached files outlive
 * their upload URL; deleting a message or a dialog deletes its stored files (MTChat keeps them forever).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import {
  download,
  png,
  presign,
  put,
  sendWith,
  sleep,
  startFileServer,
  STORES,
  text,
  thumbnailUrl,
  type FileServer,
  type FileSpec,
} from './support/files.js';
import { eventually } from './support/poll.js';
import type { Api } from './support/api.js';

/** Upload URLs here live 2 s: retry the presign + PUT pair if a slow machine let one run out. */
async function uploadSoon(api: Api, dialogId: string, f: FileSpec) {
  for (let attempt = 1; ; attempt++) {
    const p = await presign(api, dialogId, { filename: f.filename, content_type: f.content_type, size: f.bytes.length });
    const res = await put(p.upload_url, f.bytes, f.content_type);
    if (res.status === 200)
      return { ...p, attachment: { s3_key: p.s3_key, filename: f.filename, content_type: f.content_type, size: f.bytes.length } };
    if (attempt === 5) throw new Error(`upload kept failing: ${res.status} ${res.text}`);
  }
}

const gone = async (url: string) => (await download(url)).status === 404;

describe.each(STORES)('file cleanup on the %s store', (store) => {
  let server: FileServer;
  let alice: Api;

  beforeAll(async () => {
    server = await startFileServer(store, { S3_PRESIGN_UPLOAD_EXPIRY: '2', UPLOAD_CLAIM_WINDOW_SECS: '2', FILES_SWEEP_INTERVAL_MS: '100' });
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('deletes an upload that was never attached once it expires', async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const up = await uploadSoon(alice, dialogId, { filename: 'orphan.txt', content_type: 'text/plain', bytes: text('orphan') });
    expect(await server.stored(up.s3_key)).toBe(true);
    await eventually(async () => !(await server.stored(up.s3_key)), 'the orphan upload is deleted');
    expectError(await sendWith(alice, dialogId, [up.attachment]), 400, 'BAD_REQUEST');
  });

  it('keeps attached files after their upload expires, and drops only the raw upload', async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const up = await uploadSoon(alice, dialogId, { filename: 'keep.png', content_type: 'image/png', bytes: await png() });
    const sent = await sendWith(alice, dialogId, [up.attachment]);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await eventually(async () => !(await server.stored(up.s3_key)), 'the raw upload is deleted');
    const [a] = (await alice.get(`/api/v1/dialogs/${dialogId}/messages`)).body.data.messages.at(-1).attachments;
    expect((await download(a.url)).status).toBe(200);
    expect((await download(await thumbnailUrl(alice, a.id))).status).toBe(200);
  });

  it("deletes a message's files with the message", async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const up = await uploadSoon(alice, dialogId, { filename: 'gone.png', content_type: 'image/png', bytes: await png() });
    const sent = await sendWith(alice, dialogId, [up.attachment]);
    const [a] = sent.body.data.attachments;
    expect((await download(a.url)).status).toBe(200);
    a.thumbnail_url = await thumbnailUrl(alice, a.id);
    expect((await alice.delete(`/api/v1/dialogs/${dialogId}/messages/${sent.body.data.id}`)).status).toBe(204);
    await eventually(async () => (await gone(a.url)) && (await gone(a.thumbnail_url)), 'the file and its thumbnail are deleted');
    await eventually(async () => !(await server.stored(up.s3_key)), 'the raw upload is deleted');
    expectError(await alice.get(`/api/v1/attachments/${a.id}/url`), 404, 'ATTACHMENT_NOT_FOUND');
  });

  it("deletes a dialog's files, attached or not, with the dialog", async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const attached = await uploadSoon(alice, dialogId, { filename: 'a.png', content_type: 'image/png', bytes: await png() });
    const sent = await sendWith(alice, dialogId, [attached.attachment]);
    const [a] = sent.body.data.attachments;
    a.thumbnail_url = await thumbnailUrl(alice, a.id);
    const pending = await uploadSoon(alice, dialogId, { filename: 'pending.txt', content_type: 'text/plain', bytes: text('pending') });
    expect(await server.stored(pending.s3_key)).toBe(true);
    expect((await server.admin.delete(`/api/v1/management/dialogs/${dialogId}`)).status).toBe(204);
    await eventually(async () => (await gone(a.url)) && (await gone(a.thumbnail_url)), 'the attached file and thumbnail are deleted');
    await eventually(
      async () => !(await server.stored(pending.s3_key)) && !(await server.stored(attached.s3_key)),
      'the uploads are deleted',
    );
  });
});

describe.each(STORES)('the claim window on the %s store', (store) => {
  let server: FileServer;

  beforeAll(async () => {
    // No sweep during the test: the rule itself, not the cleanup, must refuse the late claim.
    server = await startFileServer(store, {
      S3_PRESIGN_UPLOAD_EXPIRY: '2',
      UPLOAD_CLAIM_WINDOW_SECS: '2',
      FILES_SWEEP_INTERVAL_MS: '3600000',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses to attach an upload after its claim window', async () => {
    const dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    const alice = await server.user('alice');
    const up = await uploadSoon(alice, dialogId, { filename: 'late.txt', content_type: 'text/plain', bytes: text('late') });
    await sleep(3000);
    expect(await server.stored(up.s3_key)).toBe(true);
    const res = await sendWith(alice, dialogId, [up.attachment]);
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.body.error.message).toContain('File not found in storage');
  });
});
