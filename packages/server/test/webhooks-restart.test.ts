/**
 * Durability across a restart: deliveries and notification jobs live in the database, so a server stopped in the
 * middle of a backlog and started again on the same data sends everything, with the same ids.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { restartServer } from './support/restart.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Receiver } from './support/webhook-receiver.js';
import { eventually } from './support/poll.js';

let receiver: Receiver;
let server: TestServer;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await server?.close();
  await receiver?.stop();
});

const messageId = (r: { json: any }) => r.json?.payload?.message?.id as string | undefined;

it('sends a whole backlog after a restart, each delivery once, with the ids it had before', async () => {
  const env = webhookEnv(receiver);
  server = await startServer(env);
  receiver.respond = () => 503;
  const sent: any[] = [];
  for (const _ of [1, 2]) {
    const u = unique('sender');
    const d = await createDialog(server, { participants: [person(u), person(unique('peer'))] });
    const api = await chatUser(server, u);
    for (let i = 0; i < 3; i += 1) sent.push(await send(api, d.id, `m${i}`));
  }
  await eventually(() => receiver.requests.length >= 4, 'backlog being retried');
  // Deliveries are made from the log by a consumer, moments after each send: wait for all six.
  const pendingNow = async () =>
    (await server.admin.get('/api/v1/management/webhooks/deliveries?status=pending&limit=500')).body.data.deliveries;
  const pending = await eventually(async () => {
    const list = await pendingNow();
    return list.length >= 6 && list;
  }, 'the whole backlog pending');
  expect(pending).toHaveLength(6);
  const triedIds = new Set(receiver.requests.map((r) => String(r.headers['x-webhook-id'])));

  server = await restartServer(server, env);
  receiver.respond = () => 200;
  await eventually(() => sent.every((m) => receiver.delivered().some((r) => messageId(r) === m.id)), 'backlog delivered');
  const delivered = receiver.delivered();
  expect(delivered).toHaveLength(6);
  expect(new Set(delivered.map((r) => r.json.id))).toEqual(new Set(pending.map((p: any) => p.id)));
  for (const id of triedIds) expect(delivered.some((r) => r.json.id === id)).toBe(true);
  await eventually(async () => (await server.admin.get('/api/v1/management/jobs')).body.data.webhooks.delivered === 6, 'recorded');
});

it('runs a notification job enqueued before a restart', async () => {
  const env = webhookEnv(receiver, { NOTIFICATION_DELAY_SECS: '1' });
  await server.close();
  server = await startServer(env);
  receiver.respond = () => 200;
  const u = unique('sender');
  const peer = unique('peer');
  const d = await createDialog(server, { participants: [person(u), person(peer)] });
  const msg = await send(await chatUser(server, u), d.id, 'ping');
  server = await restartServer(server, env);
  const got = await eventually(
    () => receiver.delivered().find((r) => r.json.type === 'notification_pending' && messageId(r) === msg.id),
    'notification',
  );
  expect(got.json.payload.recipient_id).toBe(peer);
});
