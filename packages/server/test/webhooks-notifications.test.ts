/**
 * Smart notifications (spec §5.3): NOTIFICATION_DELAY_SECS after a user message, one notification_pending per
 * participant who has still not read it, has notifications on, was there when it was sent and still is.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Received, type Receiver } from './support/webhook-receiver.js';
import { eventually } from './support/poll.js';

const DELAY_SECS = 2;
let receiver: Receiver;
let server: TestServer;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startServer(webhookEnv(receiver, { NOTIFICATION_DELAY_SECS: String(DELAY_SECS) }));
});
afterAll(async () => {
  await server?.close();
  await receiver?.stop();
});

const notifications = (dialogId: string) =>
  receiver.delivered().filter((r) => r.json.type === 'notification_pending' && r.json.payload.dialog_id === dialogId);
const about = (messageId: string) => (r: Received) => r.json.payload.message?.id === messageId;

/** Sends a marker and waits for it: deliveries of a dialog arrive in order, so all created before it have arrived. */
async function drain(api: Awaited<ReturnType<typeof chatUser>>, dialogId: string) {
  const marker = await send(api, dialogId, 'marker');
  await eventually(() => receiver.delivered().some((r) => r.json.type === 'message_new' && about(marker.id)(r)), 'marker');
}

it('notifies an unread recipient after the delay, with MTChat payload fields', async () => {
  const sender = unique('sender');
  const recipient = unique('recipient');
  const d = await createDialog(server, {
    title: 'Order 42',
    participants: [person(sender, { company: 'Sender Co' }), person(recipient)],
  });
  const before = Date.now();
  const msg = await send(await chatUser(server, sender), d.id, 'are you there?');
  const got = await eventually(() => notifications(d.id).find(about(msg.id)), 'notification');

  expect(got.headers['x-webhook-event']).toBe('notification.pending');
  expect(Object.keys(got.json.payload)).toEqual([
    'dialog_id',
    'object_id',
    'object_type',
    'recipient_id',
    'chat_title',
    'sender_company',
    'message',
  ]);
  expect(got.json.payload).toEqual({
    dialog_id: d.id,
    object_id: d.object_id,
    object_type: d.object_type,
    recipient_id: recipient,
    chat_title: 'Order 42',
    sender_company: 'Sender Co',
    message: { id: msg.id, sender_id: sender, content: 'are you there?', created_at: msg.sent_at, message_type: 'user' },
  });
  // Not before the delay: by the server's clock and by ours.
  expect(Date.parse(got.json.timestamp) - Date.parse(msg.sent_at)).toBeGreaterThanOrEqual(DELAY_SECS * 1000);
  expect(got.at - before).toBeGreaterThanOrEqual(DELAY_SECS * 1000);
  await drain(await chatUser(server, sender), d.id);
  expect(
    notifications(d.id)
      .filter(about(msg.id))
      .map((r) => r.json.payload.recipient_id),
  ).toEqual([recipient]);
});

it('omits chat_title and sender_company when they are null', async () => {
  const sender = unique('sender');
  // No title, and a sender without a company.
  const res = await server.admin.post('/api/v1/management/dialogs', {
    object_id: unique('obj'),
    object_type: 'order',
    participants: [person(sender), person(unique('recipient'))],
  });
  const untitled = res.body.data;
  const msg = await send(await chatUser(server, sender), untitled.id, 'hello');
  const got = await eventually(() => notifications(untitled.id).find(about(msg.id)), 'notification');
  expect(Object.keys(got.json.payload)).toEqual(['dialog_id', 'object_id', 'object_type', 'recipient_id', 'message']);
});

it('skips recipients who read the message, turned notifications off, left, or joined after it', async () => {
  const tenant = unique('t');
  const sender = unique('sender');
  const [reader, muted, leaver, notified, late] = ['reader', 'muted', 'leaver', 'notified', 'late'].map(unique);
  const d = await createDialog(server, {
    participants: [person(sender), person(reader!), person(muted!), person(leaver!), person(notified!)],
    access_scopes: [{ scope_level0: [tenant] }],
  });
  const senderApi = await chatUser(server, sender);
  const [readerApi, mutedApi, leaverApi] = await Promise.all(
    [reader!, muted!, leaver!].map((u) => chatUser(server, u, { scope_level0: [tenant] })),
  );
  const msg = await send(senderApi, d.id, 'news');
  // All within the delay: the job decides when it runs, not when the message was sent.
  const results = await Promise.all([
    readerApi!.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: msg.id }),
    mutedApi!.post(`/api/v1/dialogs/${d.id}/notifications`, { enabled: false }),
    leaverApi!.post(`/api/v1/dialogs/${d.id}/leave`),
    server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(late!)),
  ]);
  expect(results.map((r) => r.status)).toEqual([200, 200, 200, 201]);

  await eventually(() => notifications(d.id).find(about(msg.id)), 'notification');
  await drain(senderApi, d.id);
  expect(
    notifications(d.id)
      .filter(about(msg.id))
      .map((r) => r.json.payload.recipient_id),
  ).toEqual([notified]);
});

it('decides per message: a recipient who read an earlier message is still notified of a later one', async () => {
  const sender = unique('sender');
  const recipient = unique('recipient');
  const d = await createDialog(server, { participants: [person(sender), person(recipient)] });
  const senderApi = await chatUser(server, sender);
  const m1 = await send(senderApi, d.id, 'one');
  const m2 = await send(senderApi, d.id, 'two');
  expect((await (await chatUser(server, recipient)).post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: m1.id })).status).toBe(
    200,
  );
  await eventually(() => notifications(d.id).find(about(m2.id)), 'notification for m2');
  await drain(senderApi, d.id);
  expect(notifications(d.id).map((r) => r.json.payload.message.id)).toEqual([m2.id]);
});

it('runs one job per message, whatever the number of recipients', async () => {
  const rx = await startReceiver();
  const s = await startServer(webhookEnv(rx, { NOTIFICATION_DELAY_SECS: '3600' }));
  try {
    const sender = unique('sender');
    const d = await createDialog(s, { participants: [sender, 'r1', 'r2', 'r3'].map((u) => person(u)) });
    const queued = async () => (await s.admin.get('/api/v1/management/jobs')).body.data.notifications.queued;
    expect(await queued()).toBe(0);
    await send(await chatUser(s, sender), d.id, 'to many');
    // The job is made from the log by the webhook consumer, moments after the send.
    await eventually(async () => (await queued()) >= 1, 'the job');
    expect(await queued()).toBe(1);
    await s.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person('r4'));
    // The consumer reads the log in order: once the next message's job exists, the join has been consumed too.
    await send(await chatUser(s, sender), d.id, 'after the join');
    await eventually(async () => (await queued()) >= 2, 'the second job');
    expect(await queued()).toBe(2);
  } finally {
    await s.close();
    await rx.stop();
  }
});
