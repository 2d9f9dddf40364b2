/**
 * Server restarts: the same server coming back on the same port and data (clients resume, queued sends go out,
 * nothing is lost or doubled), and a server replaced by one with an empty log (clients are told to resync,
 * refetch, and emit `resync`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvents } from '../src/index.js';
import { closeClients, dialogWith, nodeClient, uid } from './support/clients.js';
import { eventually } from '../../server/test/support/poll.js';
import { hostBackend, type HostBackend } from './support/host.js';
import { startRestartable, type RestartableServer } from './support/servers.js';
import { Api } from '../../server/test/support/api.js';

let srv: RestartableServer;
let host: HostBackend;

beforeAll(async () => {
  srv = await startRestartable({ REALTIME_HEARTBEAT_SECS: '1' });
  host = hostBackend(() => srv.url, srv.adminToken);
});
afterEach(() => closeClients());
afterAll(async () => srv.close());

function recorder(client: { on: <K extends keyof ClientEvents>(n: K, fn: (p: ClientEvents[K]) => void) => () => void }) {
  const got: string[] = [];
  const resyncs: ClientEvents['resync'][] = [];
  client.on('message.new', (m) => {
    if (m.message_type === 'user') got.push(m.content);
  });
  client.on('resync', (r) => resyncs.push(r));
  return { got, resyncs };
}

async function unreadOnServer(userId: string): Promise<Record<string, number>> {
  const api = new Api(srv.url, { authorization: `Bearer ${await host.mint(userId)}` });
  const res = await api.get('/api/v1/dialogs');
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.data as { id: string; unread_count: number }[]).map((d) => [d.id, d.unread_count]));
}

describe('server restart', () => {
  it('same data, same port: clients resume, sends made while it was down are stored once and delivered once', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(srv.admin, [alice, bob]);
    const a = nodeClient(srv.url, host.auth(alice));
    const b = nodeClient(srv.url, host.auth(bob));
    const aRec = recorder(a);
    const bRec = recorder(b);
    await Promise.all([a.connect(), b.connect()]);
    await b.messages.send(dialogId, 'before');
    await eventually(() => aRec.got.length === 1, 'the first message');

    await srv.stop();
    await eventually(() => a.connection.state !== 'connected' && b.connection.state !== 'connected', 'both clients to notice');
    const sends = [b.messages.send(dialogId, 'bob while down'), a.messages.send(dialogId, 'alice while down')];
    await eventually(() => a.queuedSends === 1 && b.queuedSends === 1, 'queued sends');
    await srv.start();
    a.network.resume();
    b.network.resume();
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.content)).toEqual(['bob while down', 'alice while down']);

    await eventually(() => aRec.got.length === 3 && bRec.got.length === 3, 'every message on both sides');
    await eventually(() => a.connection.state === 'connected' && b.connection.state === 'connected', 'both reconnected');
    expect(aRec.got.slice(0, 1)).toEqual(['before']);
    expect([...aRec.got].sort()).toEqual(['alice while down', 'before', 'bob while down']);
    expect(bRec.got).toEqual(aRec.got);
    expect(aRec.resyncs).toEqual([]);
    expect(bRec.resyncs).toEqual([]);

    const page = await a.messages.list(dialogId);
    expect(page.messages.filter((m) => m.message_type === 'user').map((m) => m.content)).toEqual(aRec.got);
    await eventually(
      async () => (await unreadOnServer(alice))[dialogId] === a.state.get().chat.dialogs[dialogId]!.unread_count,
      "alice's unread to match",
    );
    await eventually(
      async () => (await unreadOnServer(bob))[dialogId] === b.state.get().chat.dialogs[dialogId]!.unread_count,
      "bob's unread to match",
    );
  });

  it('replaced by a server with an empty log: the client is told to resync, refetches its dialogs and emits resync', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const oldDialog = await dialogWith(srv.admin, [alice, bob]);
    const a = nodeClient(srv.url, host.auth(alice));
    const rec = recorder(a);
    await a.connect();
    const bobApi = new Api(srv.url, { authorization: `Bearer ${await host.mint(bob)}` });
    for (let i = 0; i < 10; i += 1)
      expect((await bobApi.post(`/api/v1/dialogs/${oldDialog}/messages`, { content: `old ${i}` })).status).toBe(200);
    await eventually(() => rec.got.length === 10, 'the old messages');
    const cursor = a.connection.lastEventId!;

    await srv.replaceWithFresh();
    // The new log is shorter than the client's cursor, so it cannot resume from it.
    const newDialog = await dialogWith(srv.admin, [alice, bob]);
    const bobNew = new Api(srv.url, { authorization: `Bearer ${await host.mint(bob)}` });
    expect((await bobNew.post(`/api/v1/dialogs/${newDialog}/messages`, { content: 'new world' })).status).toBe(200);
    a.network.resume();

    await eventually(() => rec.resyncs.length === 1, 'a resync');
    expect(rec.resyncs[0]!.reason).toBe('resync_required');
    expect(cursor).toBeGreaterThan(3);
    await eventually(() => a.connection.state === 'connected', 'connected to the new server');
    // The client may have come back on its own before the new dialog existed: then the live participant.joined
    // brings it. Either way the old server's dialog is gone and only the new one is left.
    await eventually(() => Object.keys(a.state.get().chat.dialogs).join() === newDialog, "only the new server's dialog");
    // The message posted before the client came back is in its count, whether the resync or the live event brought it.
    expect((await unreadOnServer(alice))[newDialog]).toBe(1);
    await eventually(() => a.state.get().chat.dialogs[newDialog]?.unread_count === 1, 'the unread count to match the server');

    expect((await bobNew.post(`/api/v1/dialogs/${newDialog}/messages`, { content: 'after resync' })).status).toBe(200);
    await eventually(() => rec.got.includes('after resync'), 'live events after the resync');
    expect(a.state.get().chat.dialogs[newDialog]!.unread_count).toBe(2);
  });
});
