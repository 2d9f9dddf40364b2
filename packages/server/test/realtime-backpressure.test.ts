/**
 * Backpressure over real sockets: a client that stops reading is not buffered without bound. Once the kernel
 * buffers and its bounded queue (REALTIME_QUEUE_LIMIT, 16 here) are full, the server drops what it queued,
 * tells it to resync and closes it (4008), while other clients keep receiving everything. The client can then
 * resume from its last event id and lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, tokenOf, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer({ ...redisEnv(), REALTIME_QUEUE_LIMIT: '16' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

async function ws(userId: string, lastEventId?: number): Promise<WsClient> {
  const c = await WsClient.connect(server.url, { token: tokenOf(await server.user(userId)), lastEventId });
  clients.push(c);
  return c;
}

describe('a slow consumer', () => {
  it('is closed with a resync instruction when its queue is full, while others keep receiving', async () => {
    const d = await createDialog(server, { participants: [person('b-alice'), person('b-slow'), person('b-fast')] });
    const slow = await ws('b-slow');
    const fast = await ws('b-fast');
    const alice = await server.user('b-alice');
    slow.pause();

    // Large messages fill the socket buffers quickly; post until the server gives up on the slow client, which
    // the fast one sees as the slow one going offline (its only connection was closed).
    const content = 'x'.repeat(49_000);
    const posted: string[] = [];
    const slowOffline = () => fast.received.some((m) => m.type === 'presence.update' && m.user_id === 'b-slow' && m.is_online === false);
    while (!slowOffline()) {
      expect(posted.length, 'the slow client was never cut off').toBeLessThan(2000);
      const batch = await Promise.all(Array.from({ length: 4 }, () => alice.post(`/api/v1/dialogs/${d.id}/messages`, { content })));
      for (const res of batch) {
        expect(res.status).toBe(200);
        posted.push(res.body.data.id);
      }
    }
    // Everyone else got every message, each once, in event order (sends of one batch race, so the order to
    // check is the log's, not the order the requests were made in).
    await fast.waitFor(() => posted.every((id) => fast.received.some((m) => m.id === id)), 'all messages on the fast client');
    const frames = fast.received.filter((m) => m.type === 'message.new' && m.dialog_id === d.id && m.sender_id === 'b-alice');
    const order = frames.map((m) => m.id);
    expect([...order].sort()).toEqual([...posted].sort());
    const ids = frames.map((m) => m.event_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // The slow client reads its socket again: what was already in flight, then the instruction, then the close.
    slow.resume();
    expect(await slow.closed).toBe(4008);
    expect(slow.received.at(-1)).toEqual({ type: 'resync_required' });
    const got = slow.received.filter((m) => m.type === 'message.new' && m.sender_id === 'b-alice').map((m) => m.id);
    // It got a gap-free prefix of the stream, and not the whole backlog: the server did not keep it.
    expect(got).toEqual(order.slice(0, got.length));
    expect(got.length).toBeLessThan(posted.length);

    // Nothing is lost for good: resuming from its last event id delivers the rest, exactly once.
    const cursor = slow.events().at(-1)!.event_id as number;
    const back = await ws('b-slow', cursor);
    await back.waitFor((m) => m.id === order.at(-1), 'the last message after resuming');
    const rest = back.received.filter((m) => m.type === 'message.new' && m.sender_id === 'b-alice').map((m) => m.id);
    expect([...got, ...rest]).toEqual(order);
  });
});
