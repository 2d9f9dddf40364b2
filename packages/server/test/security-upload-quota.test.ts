/**
 * Per-user quota on unattached uploads (item 12 of issue #16): one burst of presigns used to reserve 2,000 MiB
 * that then waited a day to be attached. Presigns past UPLOAD_QUOTA_BYTES are refused, exactly, even when they
 * arrive together; attaching or expiry gives the room back; other users are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { sendWith, startFileServer, STORES, text, upload, type FileServer } from './support/files.js';
import { eventually } from './support/poll.js';
import type { Api } from './support/api.js';

const QUOTA = 1000;

describe.each(STORES)('upload quota on the %s store', (store) => {
  let server: FileServer;
  let mallory: Api;
  let olga: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startFileServer(store, { UPLOAD_QUOTA_BYTES: String(QUOTA) });
    dialogId = (await createDialog(server, { participants: [person('mallory'), person('olga')] })).id;
    mallory = await server.user('mallory');
    olga = await server.user('olga');
  });
  afterAll(async () => {
    await server?.close();
  });

  const presign = (api: Api, size: number) =>
    api.post('/api/v1/upload/presign', { dialog_id: dialogId, filename: 'f.txt', content_type: 'text/plain', size });

  it('grants a burst of presigns only up to the quota, exactly', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => presign(mallory, 300)));
    const granted = results.filter((r) => r.status === 200);
    expect(granted).toHaveLength(3);
    for (const r of results.filter((x) => x.status !== 200)) expectError(r, 429, 'UPLOAD_QUOTA_EXCEEDED');
    expectError(await presign(mallory, 101), 429, 'UPLOAD_QUOTA_EXCEEDED');
    expect((await presign(mallory, 100)).status).toBe(200);
    // Someone else's room is their own.
    expect((await presign(olga, 1000)).status).toBe(200);
  });

  it('gives the room back once an upload is attached to a message', async () => {
    const quota = await startFileServer(store, { UPLOAD_QUOTA_BYTES: String(QUOTA) });
    try {
      const d = (await createDialog(quota, { participants: [person('pat')] })).id;
      const pat = await quota.user('pat');
      const up = await upload(pat, d, { filename: 'a.txt', content_type: 'text/plain', bytes: text('x'.repeat(900)) });
      const ask = () => pat.post('/api/v1/upload/presign', { dialog_id: d, filename: 'b.txt', content_type: 'text/plain', size: 200 });
      expectError(await ask(), 429, 'UPLOAD_QUOTA_EXCEEDED');
      expect((await sendWith(pat, d, [up.attachment])).status).toBe(200);
      expect((await ask()).status).toBe(200);
    } finally {
      await quota.close();
    }
  });

  it('gives the room back once unattached uploads expire', async () => {
    const quick = await startFileServer(store, {
      UPLOAD_QUOTA_BYTES: String(QUOTA),
      S3_PRESIGN_UPLOAD_EXPIRY: '1',
      UPLOAD_CLAIM_WINDOW_SECS: '1',
    });
    try {
      const d = (await createDialog(quick, { participants: [person('quinn')] })).id;
      const quinn = await quick.user('quinn');
      const ask = () => quinn.post('/api/v1/upload/presign', { dialog_id: d, filename: 'c.txt', content_type: 'text/plain', size: 1000 });
      expect((await ask()).status).toBe(200);
      expectError(await ask(), 429, 'UPLOAD_QUOTA_EXCEEDED');
      await eventually(async () => (await ask()).status === 200, 'the expired upload no longer counts');
    } finally {
      await quick.close();
    }
  });
});
