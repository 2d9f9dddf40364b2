/**
 * Per-dialog order: a dialog's deliveries go out in the order of its events, a later one waits while an earlier
 * one is being retried, and a failing dialog never holds up another dialog.
 */
import { expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import type { TestServer } from './support/server.js';
import type { Receiver } from './support/webhook-receiver.js';
import { deliveredMessageId as messageId, webhookServerPerFile } from './support/webhook-server.js';
import { eventually } from './support/poll.js';

let receiver: Receiver;
let server: TestServer;
webhookServerPerFile((r, s) => {
  receiver = r;
  server = s;
});

const okFor = (id: string) => receiver.requests.findIndex((r) => messageId(r) === id && r.status === 200);

async function dialog() {
  const u = unique('sender');
  const d = await createDialog(server, { participants: [person(u), person(unique('peer'))] });
  return { d, api: await chatUser(server, u) };
}

it('holds later deliveries of a dialog while its head is retried, without blocking other dialogs', async () => {
  const x = await dialog();
  const y = await dialog();
  let otherDialogDelivered = false;
  const m1 = await (async () => {
    // The head of dialog X fails until dialog Y's delivery has arrived.
    receiver.respond = (r) => {
      if (r.json?.payload?.dialog_id === y.d.id) otherDialogDelivered = true;
      if (r.json?.payload?.message?.content === 'x1' && !otherDialogDelivered) return 503;
      return 200;
    };
    return send(x.api, x.d.id, 'x1');
  })();
  const m2 = await send(x.api, x.d.id, 'x2');
  const m3 = await send(x.api, x.d.id, 'x3');
  await eventually(() => receiver.requests.filter((r) => messageId(r) === m1.id).length >= 2, 'x1 retried');
  const n1 = await send(y.api, y.d.id, 'y1');
  await eventually(() => [m1, m2, m3, n1].every((m) => okFor(m.id) >= 0), 'all delivered');

  // Nothing of X after its head was even attempted before the head succeeded.
  const firstTry = (id: string) => receiver.requests.findIndex((r) => messageId(r) === id);
  expect(firstTry(m2.id)).toBeGreaterThan(okFor(m1.id));
  expect(firstTry(m3.id)).toBeGreaterThan(okFor(m2.id));
  expect(okFor(n1.id)).toBeLessThan(okFor(m1.id));
});

it('keeps sending other dialogs, in order, while one receiver answer hangs', async () => {
  const x = await dialog();
  const y = await dialog();
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let slowArrivals = 0;
  receiver.respond = async (r) => {
    if (r.json?.payload?.message?.content === 'slow') {
      slowArrivals++;
      await held;
    }
    return 200;
  };
  const slow = await send(x.api, x.d.id, 'slow');
  await eventually(() => slowArrivals === 1, 'the slow delivery to be on its way');
  // Dialog Y's deliveries go out one after another (each waits for the one before): all three pass the hanging one.
  const ys: { id: string }[] = [];
  for (const content of ['y1', 'y2', 'y3']) ys.push(await send(y.api, y.d.id, content));
  await eventually(() => ys.every((m) => okFor(m.id) >= 0), "dialog Y's deliveries");
  expect(slowArrivals).toBe(1);
  expect(okFor(slow.id)).toBe(-1);
  release();
  await eventually(() => okFor(slow.id) >= 0, 'the slow delivery, once answered');
  expect(slowArrivals).toBe(1);
});

it('keeps the order of concurrent sends in one dialog', async () => {
  receiver.respond = () => 200;
  const u1 = unique('a');
  const u2 = unique('b');
  const d = await createDialog(server, { participants: [person(u1), person(u2)] });
  const [a, b] = [await chatUser(server, u1), await chatUser(server, u2)];
  const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i % 2 ? a : b, d.id, `c${i}`)));
  await eventually(() => sent.every((m) => okFor(m.id) >= 0), 'all delivered');
  const page = await a.get(`/api/v1/dialogs/${d.id}/messages?limit=50`);
  const stored = page.body.data.messages.filter((m: any) => m.message_type === 'user').map((m: any) => m.id);
  const arrived = receiver.requests.filter((r) => r.json?.payload?.dialog_id === d.id).map(messageId);
  expect(arrived).toEqual(stored);
});
