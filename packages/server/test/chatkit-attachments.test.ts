/**
 * ChatKit's two-phase upload on both stores (disk, and S3 against s3rver): attachments.create issues an upload
 * bound to the user, type and size; the first user message that names it (a new thread or an existing one)
 * binds and attaches it, in both faces; attachments.delete; another user's attachment does not exist (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgent } from './support/agents.js';
import type { Api } from './support/api.js';
import { unique } from './support/chat.js';
import { chatKitUser, ck, userInput, type Ev } from './support/chatkit.js';
import { download, png, startFileServer, STORES, type FileServer } from './support/files.js';
import { expectError } from './support/fixtures.js';
import { eventually } from './support/poll.js';

describe.each(STORES)('ChatKit attachments on the %s store', (store) => {
  let server: FileServer;
  let demo = '';

  beforeAll(async () => {
    server = await startFileServer(store);
    demo = await registerAgent(server, { display_name: 'Demo Bot' });
  });
  afterAll(async () => {
    await server?.close();
  });

  const user = (name: string) => chatKitUser(server, unique(name), demo, { profile: { display_name: name } });

  async function create(api: Api, name: string, mime: string, size: number): Promise<Ev> {
    const res = await ck(api, 'attachments.create', { name, size, mime_type: mime });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** Phase two, as chatkit-js does it: the descriptor's method, URL and headers, the bytes as the body. */
  async function uploadTo(a: Ev, bytes: Buffer | string) {
    const d = a.upload_descriptor;
    const res = await fetch(d.url, {
      method: d.method,
      headers: d.headers,
      body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    });
    return res.status;
  }

  it('creates an image attachment with an upload descriptor; a new thread takes it; both faces show the file', async () => {
    const api = await user('alice');
    const bytes = await png();
    const a = await create(api, 'Photo.png', 'image/png', bytes.length);
    expect(Object.keys(a)).toEqual(['id', 'name', 'mime_type', 'upload_descriptor', 'type', 'preview_url']);
    expect(a).toMatchObject({ name: 'Photo.png', mime_type: 'image/png', type: 'image' });
    expect(a.upload_descriptor).toEqual({ url: expect.any(String), method: 'PUT', headers: { 'content-type': 'image/png' } });
    expect(await uploadTo(a, bytes)).toBe(200);
    const preview = await download(a.preview_url);
    expect(preview.status).toBe(200);
    expect(preview.bytes.equals(bytes)).toBe(true);

    const res = await ck(api, 'threads.create', { input: userInput('look', { attachments: [a.id] }) });
    expect(res.status, res.text).toBe(200);
    const threadId = res.events[0]!.thread.id as string;
    const item = res.events[1]!.item;
    expect(item.attachments).toEqual([
      { id: a.id, name: 'Photo.png', mime_type: 'image/png', thread_id: threadId, type: 'image', preview_url: expect.any(String) },
    ]);
    const stored = (await ck(api, 'threads.get_by_id', { thread_id: threadId })).body.items.data[0];
    expect(stored.attachments[0]).toMatchObject({ id: a.id, thread_id: threadId, type: 'image' });
    expect((await download(stored.attachments[0].preview_url)).bytes.equals(bytes)).toBe(true);

    // The Chat API face: an ordinary attachment with a download URL of the checked copy.
    const chat = await api.get(`/api/v1/dialogs/${threadId}/messages`);
    expect(chat.status, chat.text).toBe(200);
    const message = chat.body.data.messages.find((m: Ev) => m.id === item.id);
    expect(message.attachments).toEqual([
      expect.objectContaining({ id: a.id, filename: 'Photo.png', content_type: 'image/png', size: bytes.length }),
    ]);
    expect((await download(message.attachments[0].url)).bytes.equals(bytes)).toBe(true);
  });

  it('a file attachment created before the message binds to an existing thread on first use, once', async () => {
    const api = await user('carol');
    const threadId = (await ck(api, 'threads.create', { input: userInput('hi') })).events[0]!.thread.id as string;
    const a = await create(api, 'notes.txt', 'text/plain', 5);
    expect(a.type).toBe('file');
    expect(a.preview_url).toBeUndefined();
    expect(await uploadTo(a, 'hello')).toBe(200);
    const res = await ck(api, 'threads.add_user_message', { thread_id: threadId, input: userInput('notes', { attachments: [a.id] }) });
    expect(res.status, res.text).toBe(200);
    expect(res.events[0]!.item.attachments).toEqual([
      { id: a.id, name: 'notes.txt', mime_type: 'text/plain', thread_id: threadId, type: 'file' },
    ]);
    // Used once: a second message cannot take it, and it can no longer be deleted on its own.
    expectError(
      await ck(api, 'threads.add_user_message', { thread_id: threadId, input: userInput('again', { attachments: [a.id] }) }),
      409,
      'CONFLICT',
    );
    expectError(await ck(api, 'attachments.delete', { attachment_id: a.id }), 409, 'CONFLICT');
  });

  it('is bound to its size and to the upload: more bytes are refused, a message before the upload stores nothing', async () => {
    const api = await user('dave');
    const a = await create(api, 'a.txt', 'text/plain', 5);
    expect(await uploadTo(a, 'hello world')).not.toBe(200);
    const before = (await ck(api, 'threads.list', {})).body.data.length;
    expectError(await ck(api, 'threads.create', { input: userInput('x', { attachments: [a.id] }) }), 400, 'BAD_REQUEST');
    expect((await ck(api, 'threads.list', {})).body.data.length).toBe(before);
    expectError(
      await ck(api, 'attachments.create', { name: 'x.exe', size: 5, mime_type: 'application/x-msdownload' }),
      400,
      'UNSUPPORTED_FILE_TYPE',
    );
    expectError(
      await ck(api, 'attachments.create', { name: 'big.txt', size: 200 * 1024 * 1024, mime_type: 'text/plain' }),
      400,
      'FILE_TOO_LARGE',
    );
  });

  it('another user can neither use nor delete it (404); its owner deletes it, then it is gone', async () => {
    const alice = await user('erin');
    const bob = await user('frank');
    const a = await create(alice, 'a.txt', 'text/plain', 5);
    expect(await uploadTo(a, 'hello')).toBe(200);
    expectError(await ck(bob, 'threads.create', { input: userInput('mine?', { attachments: [a.id] }) }), 404, 'ATTACHMENT_NOT_FOUND');
    expectError(await ck(bob, 'attachments.delete', { attachment_id: a.id }), 404, 'ATTACHMENT_NOT_FOUND');
    expect(await ck(alice, 'attachments.delete', { attachment_id: a.id })).toMatchObject({ status: 200, body: {} });
    expectError(await ck(alice, 'attachments.delete', { attachment_id: a.id }), 404, 'ATTACHMENT_NOT_FOUND');
    expectError(await ck(alice, 'threads.create', { input: userInput('gone', { attachments: [a.id] }) }), 404, 'ATTACHMENT_NOT_FOUND');
    expectError(await ck(alice, 'attachments.delete', { attachment_id: 'not-an-id' }), 404, 'ATTACHMENT_NOT_FOUND');
  });
});

describe('ChatKit image previews on reads', () => {
  let server: FileServer;
  let demo = '';
  beforeAll(async () => {
    server = await startFileServer('disk', { S3_PRESIGN_DOWNLOAD_EXPIRY: '1' });
    demo = await registerAgent(server, { display_name: 'Demo Bot' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('threads.get_by_id and items.list re-sign a preview_url that has expired since the send', async () => {
    const api = await chatKitUser(server, unique('gina'), demo);
    const bytes = await png();
    const created = await ck(api, 'attachments.create', { name: 'p.png', size: bytes.length, mime_type: 'image/png' });
    const d = created.body.upload_descriptor;
    expect((await fetch(d.url, { method: d.method, headers: d.headers, body: new Uint8Array(bytes) })).status).toBe(200);
    const res = await ck(api, 'threads.create', { input: userInput('look', { attachments: [created.body.id] }) });
    const threadId = res.events[0]!.thread.id as string;
    const sent = res.events[1]!.item.attachments[0].preview_url as string;
    await eventually(async () => (await download(sent)).status === 403, 'the preview URL of the send has expired');
    const viaGet = (await ck(api, 'threads.get_by_id', { thread_id: threadId })).body.items.data[0].attachments[0].preview_url;
    const viaList = (await ck(api, 'items.list', { thread_id: threadId })).body.data.at(-1).attachments[0].preview_url;
    for (const url of [viaGet, viaList]) expect((await download(url)).bytes.equals(bytes)).toBe(true);
  });
});
