/**
 * Two instances on one PostgreSQL schema share the delivery queue and the notification jobs: every delivery is
 * sent once (retries included, never two attempts at once), in order per dialog, and every notification job
 * runs once. PostgreSQL only (see vitest.config.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startSibling } from './support/restart.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Receiver } from './support/webhook-receiver.js';
import { eventually } from './support/poll.js';

let receiver: Receiver;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  receiver = await startReceiver();
  const env = webhookEnv(receiver, { NOTIFICATION_DELAY_SECS: '1' });
  first = await startServer(env);
  second = await startSibling(first, env);
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await receiver?.stop();
});

it('delivers each delivery once, in order per dialog, and runs each notification job once', async () => {
  // Every delivery is refused once, so retries too are shared between the instances.
  const seen = new Set<string>();
  receiver.respond = (r) => {
    const id = String(r.headers['x-webhook-id']);
    if (seen.has(id)) return 200;
    seen.add(id);
    return 503;
  };
  const sent: any[] = [];
  const dialogs = [];
  for (let i = 0; i < 4; i += 1) {
    const u = unique('sender');
    const d = await createDialog(first, { participants: [person(u), person(unique('peer'))] });
    dialogs.push({ d, apis: [await chatUser(first, u), await chatUser(second, u)] });
  }
  for (let round = 0; round < 5; round += 1) {
    await Promise.all(dialogs.map(async ({ d, apis }) => sent.push(await send(apis[round % 2]!, d.id, `r${round}`))));
  }
  const okFor = (type: string, messageId: string) =>
    receiver.requests.filter((r) => r.status === 200 && r.json.type === type && r.json.payload.message.id === messageId);
  await eventually(
    () => sent.every((m) => okFor('message_new', m.id).length > 0 && okFor('notification_pending', m.id).length > 0),
    'all messages and notifications delivered',
    25_000,
  );

  const byId = new Map<string, number[]>();
  for (const r of receiver.requests)
    byId.set(String(r.headers['x-webhook-id']), [...(byId.get(String(r.headers['x-webhook-id'])) ?? []), r.status]);
  expect(byId.size).toBe(sent.length * 2);
  for (const statuses of byId.values()) expect(statuses).toEqual([503, 200]);
  for (const m of sent) {
    expect(okFor('message_new', m.id)).toHaveLength(1);
    expect(okFor('notification_pending', m.id)).toHaveLength(1);
  }
  for (const { d } of dialogs) {
    const arrived = receiver.requests
      .filter((r) => r.status === 200 && r.json.type === 'message_new' && r.json.payload.dialog_id === d.id)
      .map((r) => r.json.payload.message.id);
    const stored = sent
      .filter((m) => m.dialog_id === d.id)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((m) => m.id);
    expect(arrived).toEqual(stored);
  }
});
