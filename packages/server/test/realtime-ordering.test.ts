/**
 * Event ids reach every reader in order while writers commit in parallel (docs/adr/0002-event-ordering.md):
 * concurrent senders on several connections in several dialogs, readers live over WebSocket and SSE and one
 * that keeps dropping and resuming; no reader ever sees an event id after a larger one, and none misses a
 * message. On PostgreSQL the sends really overlap (DATABASE_MAX_CONNECTIONS=8); on PGlite they queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, SseClient, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
const clients: { close(): unknown }[] = [];

beforeAll(async () => {
  server = await startServer({ ...redisEnv(), DATABASE_MAX_CONNECTIONS: '8' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

const SENDERS = 8;
const PER_SENDER = 25;
const DIALOGS = 3;

/** Event ids in arrival order must strictly increase. */
function expectAscending(events: Msg[], who: string): void {
  const ids = events.map((m) => m.event_id as number);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! <= ids[i - 1]!) throw new Error(`${who} saw event ${ids[i]} after ${ids[i - 1]} (position ${i} of ${ids.length})`);
  }
}

describe('event order under concurrent writers', () => {
  it('no reader sees an event id after a larger one, and none misses a message', async () => {
    const senders = Array.from({ length: SENDERS }, (_, i) => `o-sender${i}`);
    const readers = ['o-ws', 'o-sse', 'o-resumer'];
    const dialogs = await Promise.all(
      Array.from({ length: DIALOGS }, () => createDialog(server, { participants: [...senders, ...readers].map((u) => person(u)) })),
    );
    const apis = await Promise.all(senders.map((u) => server.user(u)));
    const ws = await WsClient.connect(server.url, { token: tokenOf(await server.user('o-ws')) });
    const sse = await SseClient.connect(server.url, tokenOf(await server.user('o-sse')));
    const resumerToken = tokenOf(await server.user('o-resumer'));
    let resumer = await WsClient.connect(server.url, { token: resumerToken });
    clients.push(ws, sse);

    const posted: string[] = [];
    const sending = Promise.all(
      apis.map(async (api, s) => {
        for (let i = 0; i < PER_SENDER; i++) {
          const dialog = dialogs[(s + i) % DIALOGS]!;
          const res = await api.post(`/api/v1/dialogs/${dialog.id}/messages`, { content: `s${s} m${i}` });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          posted.push(res.body.data.id);
        }
      }),
    );

    // The resumer drops its socket whenever it has a few more events, and comes back from its last id.
    const resumed: Msg[] = [];
    let done = false;
    void sending.finally(() => (done = true));
    while (!done) {
      const from = resumer.events().length;
      await resumer.waitUntil(() => done || resumer.events().length >= from + 10, 'more events');
      resumer.kill();
      await resumer.closed;
      resumed.push(...resumer.events());
      const cursor = resumed.at(-1)?.event_id as number | undefined;
      resumer = await WsClient.connect(server.url, { token: resumerToken, lastEventId: cursor });
    }
    clients.push(resumer);
    await sending;

    const total = SENDERS * PER_SENDER;
    const newMessages = (list: Msg[]) => list.filter((m) => m.type === 'message.new' && m.message_type === 'user');
    await ws.waitUntil(() => newMessages(ws.events()).length >= total, 'every message over WebSocket');
    await sse.waitUntil(() => newMessages(sse.events()).length >= total, 'every message over SSE');
    await resumer.waitUntil(
      () => new Set(newMessages([...resumed, ...resumer.events()]).map((m) => m.id)).size >= total,
      'every message after resumes',
    );
    resumed.push(...resumer.events());

    for (const [who, events] of [
      ['WebSocket reader', ws.events()],
      ['SSE reader', sse.events()],
      ['resuming reader', resumed],
    ] as const) {
      expectAscending(events, who);
      const got = newMessages(events).map((m) => m.id as string);
      expect(new Set(got).size, `${who}: no duplicates`).toBe(got.length);
      expect(new Set(got), `${who}: every message`).toEqual(new Set(posted));
    }
    // SSE ids are the event ids, so a browser's Last-Event-ID resumes from the right place; before them,
    // `connected` carries where the log stood when the stream opened.
    const [first, ...rest] = sse.ids.filter((id) => id !== undefined);
    expect(first).toBe(sse.received[0]!.last_event_id);
    expect(first).toBeLessThan(sse.events()[0]!.event_id as number);
    expect(rest).toEqual(sse.events().map((m) => m.event_id));
  });
});
