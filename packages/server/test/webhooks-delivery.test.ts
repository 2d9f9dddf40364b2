/**
 * Webhooks as MTChat sends them (spec §5.1-5.2): the envelope bytes, the headers and both signatures, which
 * events become webhooks by default, the extra events behind WEBHOOK_EVENTS, and no deliveries without a secret.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Received, type Receiver } from './support/webhook-receiver.js';
import { webhookServerPerFile } from './support/webhook-server.js';
import { eventually } from './support/poll.js';

const SECRET = 'test-webhook-secret-0123456789';
const hmac = (data: string) => createHmac('sha256', SECRET).update(data).digest('hex');
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let receiver: Receiver;
let server: TestServer;
webhookServerPerFile((r, s) => {
  receiver = r;
  server = s;
});

const forDialog = (dialogId: string) => receiver.delivered().filter((r) => r.json?.payload?.dialog_id === dialogId);
const byMessage = (messageId: string) => (r: Received) => r.json?.payload?.message?.id === messageId;

describe('message_new', () => {
  it('sends the exact envelope bytes with MTChat headers, the body signature and the timestamp signature', async () => {
    const started = Math.floor(Date.now() / 1000);
    const u = unique('sender');
    const d = await createDialog(server, { participants: [person(u), person(unique('peer'))] });
    const msg = await send(await chatUser(server, u), d.id, '<b>hi</b> there');
    const got = await eventually(() => receiver.delivered().find(byMessage(msg.id)), 'message_new');

    const expected = JSON.stringify({
      id: got.json.id,
      type: 'message_new',
      timestamp: msg.sent_at,
      payload: {
        dialog_id: d.id,
        object_id: d.object_id,
        object_type: d.object_type,
        message: { id: msg.id, sender_id: u, content: msg.content, created_at: msg.sent_at, message_type: 'user' },
      },
    });
    expect(got.body).toBe(expected);
    expect(got.json.id).toMatch(UUID_V7);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-webhook-event']).toBe('message.new');
    expect(got.headers['x-webhook-id']).toBe(got.json.id);
    expect(got.headers['x-webhook-signature']).toBe(`sha256=${hmac(got.body)}`);
    const ts = String(got.headers['x-webhook-timestamp']);
    expect(ts).toMatch(/^\d+$/);
    expect(Number(ts)).toBeGreaterThanOrEqual(started);
    expect(Number(ts)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(got.headers['x-webhook-timestamp-signature']).toBe(`sha256=${hmac(`${ts}.${got.body}`)}`);
  });

  it('puts reply_to between content and created_at when the message replies', async () => {
    const u = unique('sender');
    const d = await createDialog(server, { participants: [person(u), person(unique('peer'))] });
    const api = await chatUser(server, u);
    const first = await send(api, d.id, 'first');
    const reply = await send(api, d.id, 'second', { reply_to: first.id });
    const got = await eventually(() => receiver.delivered().find(byMessage(reply.id)), 'reply webhook');
    expect(Object.keys(got.json.payload.message)).toEqual(['id', 'sender_id', 'content', 'reply_to', 'created_at', 'message_type']);
    expect(got.json.payload.message.reply_to).toBe(first.id);
  });
});

describe('default events', () => {
  it('sends participant_joined for a chat join and participant_left for a chat leave, and nothing for management changes or system messages', async () => {
    const tenant = unique('t');
    const owner = unique('owner');
    const d = await createDialog(server, { participants: [person(owner)], access_scopes: [{ scope_level0: [tenant] }] });
    const joiner = unique('joiner');
    const joinerApi = await chatUser(server, joiner, { scope_level0: [tenant] });
    const joined = await joinerApi.post(`/api/v1/dialogs/${d.id}/join`, { display_name: 'Joe', company: 'Acme' });
    expect(joined.status).toBe(200);
    expect((await joinerApi.post(`/api/v1/dialogs/${d.id}/leave`)).status).toBe(200);
    const added = unique('added');
    expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(added))).status).toBe(201);
    expect((await server.admin.delete(`/api/v1/management/dialogs/${d.id}/participants/${added}`)).status).toBe(204);
    const marker = await send(await chatUser(server, owner), d.id, 'marker');

    // Deliveries of one dialog arrive in order, so once the marker is in, everything before it is too.
    await eventually(() => receiver.delivered().find(byMessage(marker.id)), 'marker');
    const got = forDialog(d.id);
    expect(got.map((r) => [r.headers['x-webhook-event'], r.json.type])).toEqual([
      ['participant.joined', 'participant_joined'],
      ['participant.left', 'participant_left'],
      ['message.new', 'message_new'],
    ]);
    const [join, leave] = got;
    expect(Object.keys(join!.json)).toEqual(['id', 'type', 'timestamp', 'payload']);
    expect(Object.keys(join!.json.payload)).toEqual(['dialog_id', 'object_id', 'object_type', 'user_id', 'joined_as', 'joined_at']);
    expect(join!.json.payload).toMatchObject({
      dialog_id: d.id,
      object_id: d.object_id,
      object_type: d.object_type,
      user_id: joiner,
      joined_as: 'joined',
    });
    expect(Object.keys(leave!.json.payload)).toEqual(['dialog_id', 'object_id', 'object_type', 'user_id', 'left_at']);
    expect(leave!.json.payload.user_id).toBe(joiner);
    expect(new Set(got.map((r) => r.json.id)).size).toBe(3);
  });
});

describe('WEBHOOK_EVENTS=all', () => {
  it('also sends dialog created/deleted, participant added/removed and message edited/deleted, in order', async () => {
    const rx = await startReceiver();
    const s = await startServer(webhookEnv(rx, { WEBHOOK_EVENTS: 'all' }));
    try {
      const u = unique('u');
      const other = unique('other');
      const d = await createDialog(s, { participants: [person(u)], title: 'Deal' });
      expect((await s.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(other))).status).toBe(201);
      expect((await s.admin.delete(`/api/v1/management/dialogs/${d.id}/participants/${other}`)).status).toBe(204);
      const api = await chatUser(s, u);
      const msg = await send(api, d.id, 'v1');
      expect((await api.put(`/api/v1/dialogs/${d.id}/messages/${msg.id}`, { content: 'v2' })).status).toBe(200);
      expect((await api.delete(`/api/v1/dialogs/${d.id}/messages/${msg.id}`)).status).toBe(204);
      expect((await s.admin.delete(`/api/v1/management/dialogs/${d.id}`)).status).toBe(204);

      const got = await eventually(() => {
        const list = rx.delivered();
        return list.some((r) => r.json.type === 'dialog_deleted') && list;
      }, 'dialog_deleted');
      expect(got.map((r) => [r.headers['x-webhook-event'], r.json.type])).toEqual([
        ['dialog.created', 'dialog_created'],
        ['participant.added', 'participant_added'],
        ['participant.added', 'participant_added'],
        ['participant.removed', 'participant_removed'],
        ['message.new', 'message_new'],
        ['message.edited', 'message_edited'],
        ['message.deleted', 'message_deleted'],
        ['dialog.deleted', 'dialog_deleted'],
      ]);
      const head = { dialog_id: d.id, object_id: d.object_id, object_type: d.object_type };
      expect(got[0]!.json.payload).toEqual({ ...head, title: 'Deal', created_by: u, created_at: expect.any(String) });
      expect(got[1]!.json.payload).toMatchObject({ ...head, user_id: u, joined_as: 'participant' });
      expect(got[3]!.json.payload).toEqual({ ...head, user_id: other, removed_at: expect.any(String) });
      expect(got[5]!.json.payload.message).toMatchObject({ id: msg.id, content: 'v2', last_edited_at: expect.any(String) });
      expect(got[6]!.json.payload).toEqual({ ...head, message_id: msg.id, deleted_at: expect.any(String) });
      expect(got[7]!.json.payload).toEqual({ ...head, deleted_at: expect.any(String) });
      for (const r of got) expect(r.headers['x-webhook-signature']).toBe(`sha256=${hmac(r.body)}`);
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});

describe('configuration', () => {
  it('refuses to start with an unknown WEBHOOK_EVENTS name or an invalid ARCHIVE_CRON, naming the variable', async () => {
    await expect(startServer({ WEBHOOK_EVENTS: 'message.new,bogus' })).rejects.toThrow(/WEBHOOK_EVENTS: unknown event 'bogus'/);
    await expect(startServer({ ARCHIVE_CRON: 'every five minutes' })).rejects.toThrow(/ARCHIVE_CRON:/);
  });

  it('creates no delivery when WEBHOOK_SECRET is missing, as MTChat', async () => {
    const rx = await startReceiver();
    const s = await startServer({ ...webhookEnv(rx), WEBHOOK_SECRET: undefined });
    try {
      const u = unique('u');
      const d = await createDialog(s, { participants: [person(u), person(unique('peer'))] });
      await send(await chatUser(s, u), d.id, 'hello');
      const jobs = await s.admin.get('/api/v1/management/jobs');
      expect(jobs.status).toBe(200);
      expect(jobs.body.data.webhooks).toMatchObject({ enabled: false, pending: 0, delivered: 0, failed: 0 });
      const list = await s.admin.get('/api/v1/management/webhooks/deliveries');
      expect(list.body.data).toEqual({ deliveries: [], next_cursor: null });
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});
