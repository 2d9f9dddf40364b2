/**
 * Realtime through a TCP proxy that fails on demand: typed events, unsubscribe, resume after a network cut with
 * no gap and no duplicate, retry at once when the network is back, dead-socket detection, and SSE fallback.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import type { ClientEvents, ConnectionStateEvent } from '../src/index.js';
import { closeClients, dialogWith, nodeClient, uid } from './support/clients.js';
import { eventually } from '../../server/test/support/poll.js';
import { hostBackend, type HostBackend } from './support/host.js';
import { startProxy, type TcpProxy } from '../../server/test/support/tcp-proxy.js';

let server: TestServer;
let host: HostBackend;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startServer({ REALTIME_HEARTBEAT_SECS: '1' });
  host = hostBackend(() => server.url, server.adminToken);
});
beforeEach(async () => {
  proxy = await startProxy(Number(new URL(server.url).port));
});
afterEach(async () => {
  closeClients();
  await proxy.close();
});
afterAll(async () => server.close());

/** Records every `message.new` a client emits. */
function inbox(client: { on: <K extends keyof ClientEvents>(n: K, fn: (p: ClientEvents[K]) => void) => () => void }) {
  const got: ClientEvents['message.new'][] = [];
  const off = client.on('message.new', (m) => got.push(m));
  return { got, off, contents: () => got.map((m) => m.content) };
}

async function sendAll(api: { post(path: string, body: unknown): Promise<{ status: number }> }, dialogId: string, contents: string[]) {
  for (const content of contents) {
    const res = await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content });
    expect(res.status).toBe(200);
  }
}

describe('realtime', () => {
  it('connects, loads the dialogs, emits typed events after the state has them, and unsubscribes', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(proxy.url, host.auth(alice));
    const states: ConnectionStateEvent[] = [];
    client.on('connection.state', (s) => states.push(s));
    await client.connect();
    expect(client.connection).toMatchObject({ state: 'connected', transport: 'websocket' });
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(client.state.get()).toMatchObject({ userId: alice, synced: true, connection: 'connected' });
    expect(client.state.get().chat.dialogs[dialogId]).toMatchObject({ unread_count: 0 });

    let unreadSeen = -1;
    const box = inbox(client);
    client.on('message.new', (m) => {
      unreadSeen = client.state.get().chat.dialogs[m.dialog_id]!.unread_count;
    });
    const bobApi = await server.user(bob);
    await sendAll(bobApi, dialogId, ['first']);
    await eventually(() => box.got.length === 1, 'first message');
    expect(box.got[0]).toMatchObject({ type: 'message.new', dialog_id: dialogId, sender_id: bob, content: 'first', message_type: 'user' });
    expect(typeof box.got[0]!.event_id).toBe('number');
    expect(unreadSeen).toBe(1);

    box.off();
    await sendAll(bobApi, dialogId, ['second']);
    await eventually(() => client.state.get().chat.dialogs[dialogId]!.unread_count === 2, 'second message in the state');
    expect(box.contents()).toEqual(['first']);

    // Families: participant.* and dialog.* carry every event of their kind, typed.
    const families: string[] = [];
    client.on('participant.*', (e) => families.push(`${e.type} ${e.user_id}`));
    client.on('dialog.*', (e) => families.push(e.type));
    const carol = uid('carol');
    expect(
      (await server.admin.post(`/api/v1/management/dialogs/${dialogId}/participants`, { user_id: carol, display_name: 'Carol' })).status,
    ).toBe(201);
    await client.dialogs.pin(dialogId);
    await eventually(() => families.length === 2, 'a participant and a dialog event');
    expect(families).toEqual([`participant.joined ${carol}`, 'dialog.pinned']);
    expect(client.state.get().chat.dialogs[dialogId]).toMatchObject({
      is_pinned: true,
      participants: expect.arrayContaining([alice, bob, carol]),
    });
  });

  it('resumes after a network cut: what was sent meanwhile arrives once, in order, without a resync', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(proxy.url, host.auth(alice));
    const box = inbox(client);
    let resyncs = 0;
    client.on('resync', () => (resyncs += 1));
    const bobApi = await server.user(bob);
    await client.connect();
    await sendAll(bobApi, dialogId, ['before']);
    await eventually(() => box.got.length === 1, 'message before the cut');
    const cursor = client.connection.lastEventId!;

    proxy.cut();
    await eventually(() => client.connection.state !== 'connected', 'the client to notice the cut');
    await sendAll(bobApi, dialogId, ['during 1', 'during 2', 'during 3']);
    proxy.restore();
    await eventually(() => box.got.length === 4, 'messages sent during the cut');
    await eventually(() => client.connection.state === 'connected', 'reconnect');
    expect(box.contents()).toEqual(['before', 'during 1', 'during 2', 'during 3']);
    expect(client.connection.lastEventId!).toBeGreaterThan(cursor);
    expect(resyncs).toBe(0);
    expect(client.state.get().chat.dialogs[dialogId]!.unread_count).toBe(4);
  });

  it('retries at once when told the network is back, instead of waiting out a long backoff', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    // Every backoff wait is about ten minutes: only the network signal can bring the client back within the test.
    const client = nodeClient(proxy.url, host.auth(alice), {
      transport: { backoff: { initialMs: 600_000, maxMs: 600_000, random: () => 0.99 } },
    });
    await client.connect();
    const retries: ConnectionStateEvent[] = [];
    client.on('connection.state', (s) => {
      if (s.retryInMs !== undefined) retries.push(s);
    });
    proxy.cut();
    await eventually(() => retries.length > 0, 'a scheduled retry');
    expect(retries[0]!.retryInMs!).toBeGreaterThan(60_000);
    proxy.restore();
    client.network.resume();
    await eventually(() => client.connection.state === 'connected', 'reconnect on network resume');
    const stored = await client.messages.send(dialogId, 'back online');
    expect(stored.content).toBe('back online');
  });

  it('detects a dead link that still looks open (heartbeat); a connection with no event yet resumes from where the log stood at connect', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(proxy.url, host.auth(alice), {
      transport: { heartbeat: { intervalMs: 200, timeoutMs: 400 }, connectTimeoutMs: 1000 },
    });
    const box = inbox(client);
    const reasons: string[] = [];
    client.on('connection.state', (s) => {
      if (s.state === 'disconnected' && s.reason) reasons.push(s.reason);
    });
    const resyncs: ClientEvents['resync'][] = [];
    client.on('resync', (r) => resyncs.push(r));
    await client.connect();
    // No event yet, but `connected` gave the log's position: the client has a cursor from the start.
    const cursor = client.connection.lastEventId;
    expect(cursor).toEqual(expect.any(Number));
    const bobApi = await server.user(bob);
    proxy.blackhole(true);
    await sendAll(bobApi, dialogId, ['lost in the hole?']);
    await eventually(() => reasons.includes('heartbeat timeout'), 'the heartbeat to declare the socket dead');
    proxy.blackhole(false);
    await eventually(() => box.got.length === 1, 'the message sent while the link was dead');
    await eventually(() => client.connection.state === 'connected', 'reconnect');
    expect(box.contents()).toEqual(['lost in the hole?']);
    // The gap came from the log (a resume), not from reloading over REST.
    expect(resyncs).toEqual([]);
    expect(box.got[0]!.event_id).toBeGreaterThan(cursor!);
    expect(client.state.get().chat.dialogs[dialogId]!.unread_count).toBe(1);
  });

  it('falls back to SSE when WebSockets are blocked on the way, and resumes over SSE', async () => {
    proxy.blockWebSockets(true);
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(proxy.url, host.auth(alice), { transport: { heartbeat: { idleMs: 5_000 } } });
    const box = inbox(client);
    await client.connect();
    expect(client.connection.transport).toBe('sse');
    expect(proxy.refusedUpgrades).toBeGreaterThan(0);
    const bobApi = await server.user(bob);
    await sendAll(bobApi, dialogId, ['over sse']);
    await eventually(() => box.got.length === 1, 'an event over SSE');

    proxy.cut();
    await eventually(() => client.connection.state !== 'connected', 'the client to notice the cut');
    await sendAll(bobApi, dialogId, ['missed 1', 'missed 2']);
    proxy.restore();
    await eventually(() => box.got.length === 3, 'replay over SSE');
    expect(box.contents()).toEqual(['over sse', 'missed 1', 'missed 2']);
    expect(client.connection.transport).toBe('sse');
  });

  it('sends queued while offline go out in order once the network is back, each stored once', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    const client = nodeClient(proxy.url, host.auth(alice));
    await client.connect();
    proxy.cut();
    await eventually(() => client.connection.state !== 'connected', 'offline');
    const sends = ['q1', 'q2', 'q3', 'q4'].map((c) => client.messages.send(dialogId, c));
    await eventually(() => client.state.get().pending[dialogId]?.length === 4, 'four pending messages');
    expect(client.queuedSends).toBe(4);
    proxy.restore();
    client.network.resume();
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.content)).toEqual(['q1', 'q2', 'q3', 'q4']);
    await eventually(() => client.state.get().pending[dialogId] === undefined, 'pending copies reconciled');
    const page = await (await server.user(alice)).get(`/api/v1/dialogs/${dialogId}/messages`);
    const contents = (page.body.data.messages as { content: string; message_type: string }[])
      .filter((m) => m.message_type === 'user')
      .map((m) => m.content);
    expect(contents).toEqual(['q1', 'q2', 'q3', 'q4']);
  });
});
