/**
 * Resume by cursor over real sockets: a client that drops while messages keep flowing reconnects with
 * last_event_id and gets every message exactly once, in order; a cursor the log no longer covers gets
 * resync_required; SSE carries the same events with the same ids and resumes from Last-Event-ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, SseClient, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let shortLived: TestServer;
const clients: { close(): unknown }[] = [];

beforeAll(async () => {
  [server, shortLived] = await Promise.all([
    startServer({ ...redisEnv(), REALTIME_HEARTBEAT_SECS: '1' }),
    startServer({ ...redisEnv(), EVENT_RETENTION_SECS: '1' }),
  ]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([server?.close(), shortLived?.close()]);
});

async function ws(s: TestServer, userId: string, lastEventId?: number): Promise<WsClient> {
  const c = await WsClient.connect(s.url, { token: tokenOf(await s.user(userId)), lastEventId });
  clients.push(c);
  return c;
}

const messagesOf = (list: Msg[], dialogId: string) => list.filter((m) => m.type === 'message.new' && m.dialog_id === dialogId);

describe('resume over WebSocket', () => {
  it('delivers every message exactly once, in order, across disconnects while messages keep flowing', async () => {
    const d = await createDialog(server, { participants: [person('r-alice'), person('r-bob')] });
    const alice = await server.user('r-alice');
    const total = 60;
    const posted: string[] = [];
    let client = await ws(server, 'r-bob');
    const posting = (async () => {
      for (let i = 0; i < total; i++) {
        const res = await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: `m${i}` });
        expect(res.status).toBe(200);
        posted.push(res.body.data.id);
      }
    })();

    const seen: Msg[] = [];
    // Drop the connection three times mid-stream, each time after a few more messages, and resume.
    for (let round = 1; round <= 3; round++) {
      await client.waitFor(() => messagesOf(client.received, d.id).length >= 5, `round ${round}`);
      client.kill();
      await client.closed;
      seen.push(...client.events());
      const cursor = seen.at(-1)!.event_id as number;
      client = await ws(server, 'r-bob', cursor);
    }
    await posting;
    await client.waitFor((m) => m.id === posted.at(-1), 'the last message');
    seen.push(...client.events());

    const ids = seen.map((m) => m.event_id as number);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(messagesOf(seen, d.id).map((m) => m.id)).toEqual(posted);
  });

  it('replays only what the user may see after the cursor, then goes live', async () => {
    const mine = await createDialog(server, { participants: [person('v-alice'), person('v-bob')] });
    const other = await createDialog(server, { participants: [person('v-alice'), person('v-zed')] });
    const alice = await server.user('v-alice');
    const first = await ws(server, 'v-bob');
    const m0 = (await alice.post(`/api/v1/dialogs/${mine.id}/messages`, { content: 'seen' })).body.data;
    const cursor = (await first.waitFor((m) => m.id === m0.id, 'first message')).event_id as number;
    await first.close();
    const a = (await alice.post(`/api/v1/dialogs/${mine.id}/messages`, { content: 'for bob' })).body.data;
    await alice.post(`/api/v1/dialogs/${other.id}/messages`, { content: 'not for bob' });
    const back = await ws(server, 'v-bob', cursor);
    const live = (await alice.post(`/api/v1/dialogs/${mine.id}/messages`, { content: 'live' })).body.data;
    await back.waitFor((m) => m.id === live.id, 'the live message');
    expect(back.received.map((m) => (m.type === 'message.new' ? m.content : m.type))).toEqual(['connected', 'for bob', 'live']);
    expect(back.received[1]!.id).toBe(a.id);
  });

  it('tells a connection without a cursor where the log stands: resuming from there, before any event came, loses nothing', async () => {
    const d = await createDialog(server, { participants: [person('f-alice'), person('f-bob')] });
    const alice = await server.user('f-alice');
    const before = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'before bob connects' })).body.data;
    const first = await ws(server, 'f-bob');
    const from = first.received[0]!.last_event_id as number;
    expect(first.received[0]).toEqual({ type: 'connected', employee_id: 'f-bob', last_event_id: from });
    expect(from).toBeGreaterThan(0);
    // Cut before anything arrived; what is sent meanwhile comes back by resuming from `last_event_id`.
    await first.close();
    const during: string[] = [];
    for (const content of ['during 1', 'during 2'])
      during.push((await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content })).body.data.id);
    const back = await ws(server, 'f-bob', from);
    const after = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'after' })).body.data;
    await back.waitFor((m) => m.id === after.id, 'the live message');
    // Exactly the messages after the connect, none from before it.
    expect(messagesOf(back.received, d.id).map((m) => m.id)).toEqual([...during, after.id]);
    expect(messagesOf(back.received, d.id).every((m) => (m.event_id as number) > from)).toBe(true);
    expect(back.received.map((m) => m.id)).not.toContain(before.id);
  });

  it('answers resync_required to a cursor the log does not cover, and stays live', async () => {
    const d = await createDialog(shortLived, { participants: [person('o-alice'), person('o-bob')] });
    const alice = await shortLived.user('o-alice');
    await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'soon pruned' });
    // Retention is one second here: keep asking until the first events are gone.
    let client: WsClient | undefined;
    for (let attempt = 0; attempt < 100 && !client; attempt++) {
      const c = await ws(shortLived, 'o-bob', 1);
      await c.ping();
      if (c.received.some((m) => m.type === 'resync_required')) client = c;
      else {
        await c.close();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(client, 'resync_required never came').toBeDefined();
    expect(client!.received.slice(0, 2)).toEqual([{ type: 'connected', employee_id: 'o-bob' }, { type: 'resync_required' }]);
    const sent = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'after resync' })).body.data;
    const m = await client!.waitFor((x) => x.id === sent.id, 'live message after resync');
    expect(typeof m.event_id).toBe('number');

    // A cursor beyond the end of the log is not this log's: resync too.
    const future = await ws(server, 'o-bob', 10_000_000);
    await future.ping();
    expect(future.received.map((x) => x.type)).toEqual(['connected', 'resync_required', 'pong']);
  });
});

describe('SSE', () => {
  it('streams the same events with the same ids as the WebSocket, and resumes from Last-Event-ID', async () => {
    const d = await createDialog(server, { participants: [person('e-alice'), person('e-bob')] });
    const token = tokenOf(await server.user('e-bob'));
    const socket = await ws(server, 'e-bob');
    const sse = await SseClient.connect(server.url, token);
    clients.push(sse);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(sse.retry).toBeGreaterThan(0);
    // Without a cursor, `connected` says where the log stands, and SSE's `id:` carries it for EventSource.
    expect(sse.received[0]).toEqual({ type: 'connected', employee_id: 'e-bob', last_event_id: expect.any(Number) });
    expect(sse.ids[0]).toBe(sse.received[0]!.last_event_id);

    const alice = await server.user('e-alice');
    const bob = await server.user('e-bob');
    const m1 = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'one' })).body.data;
    await alice.put(`/api/v1/dialogs/${d.id}/messages/${m1.id}`, { content: 'one, edited' });
    await bob.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: m1.id });
    await bob.post(`/api/v1/dialogs/${d.id}/pin`);
    const m2 = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'two' })).body.data;
    await socket.waitFor((m) => m.id === m2.id, 'ws: two');
    await sse.waitFor((m) => m.id === m2.id, 'sse: two');
    expect(sse.events()).toEqual(socket.events());
    // `id:` is the event id of each log event.
    const logged = sse.received.map((m, i) => [m, sse.ids[i]] as const).filter(([m]) => typeof m.event_id === 'number');
    expect(logged.every(([m, id]) => m.event_id === id)).toBe(true);
    // Heartbeats keep the stream alive (one second here).
    await sse.waitUntil(() => sse.comments.includes('heartbeat'), 'a heartbeat comment');

    const cursor = sse.events().at(-1)!.event_id as number;
    sse.close();
    const m3 = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'three' })).body.data;
    await alice.delete(`/api/v1/dialogs/${d.id}/messages/${m1.id}`);
    const m4 = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'four' })).body.data;
    await socket.waitFor((m) => m.id === m4.id, 'ws: four');
    const again = await SseClient.connect(server.url, token, { lastEventId: cursor });
    clients.push(again);
    await again.waitFor((m) => m.id === m4.id, 'sse resumed: four');
    const missed = socket.events().filter((m) => (m.event_id as number) > cursor);
    expect(again.events()).toEqual(missed);
    expect(missed.map((m) => m.type)).toEqual(['message.new', 'message.deleted', 'message.new']);
    expect(missed[0]!.id).toBe(m3.id);
  });

  it('refuses a missing or bad token with the JSON error envelope', async () => {
    const none = await fetch(`${server.url}/api/v1/events`);
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('UNAUTHORIZED');
    const bad = await SseClient.connect(server.url, 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHORIZED');
  });
});
