/**
 * The promise of the SDK, under stress: 1,000 messages sent by four clients into three dialogs while the network
 * is cut again and again and the server restarts once. Every message is stored once, delivered exactly once to
 * every member (in order), and every client's unread counts equal the server's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../src/index.js';
import { Api } from '../../server/test/support/api.js';
import { seededRandom, testSeed } from '../../server/test/support/seeded.js';
import { closeClients, dialogWith, nodeClient, uid, type TestClient } from './support/clients.js';
import { eventually } from '../../server/test/support/poll.js';
import { hostBackend, type HostBackend } from './support/host.js';
import { startProxy, type TcpProxy } from '../../server/test/support/tcp-proxy.js';
import { startRestartable, type RestartableServer } from './support/servers.js';

const TOTAL = 1000;

let srv: RestartableServer;
let host: HostBackend;
let proxy: TcpProxy;

beforeAll(async () => {
  srv = await startRestartable({ REALTIME_HEARTBEAT_SECS: '1' });
  host = hostBackend(() => srv.url, srv.adminToken);
  proxy = await startProxy(srv.port);
});
afterAll(async () => {
  closeClients();
  await proxy.close();
  await srv.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The chaos below (cut lengths, pauses, who notices the network) is drawn from a printed seed.
const random = seededRandom(testSeed('client delivery chaos'));

it(`${TOTAL} messages across repeated disconnects and a restart: each delivered exactly once to every member`, {
  timeout: 300_000,
}, async () => {
  const users = ['u1', 'u2', 'u3', 'u4'].map((u) => uid(u));
  const [u1, u2, u3, u4] = users as [string, string, string, string];
  const dialogs = {
    all: await dialogWith(srv.admin, [u1, u2, u3, u4]),
    three: await dialogWith(srv.admin, [u1, u2, u3]),
    pair: await dialogWith(srv.admin, [u2, u4]),
  };
  const members: Record<string, string[]> = { [dialogs.all]: [u1, u2, u3, u4], [dialogs.three]: [u1, u2, u3], [dialogs.pair]: [u2, u4] };
  const dialogsOf = (u: string) => Object.keys(members).filter((d) => members[d]!.includes(u));

  const clients = new Map<string, TestClient>();
  /** Per user: message id -> how many times `message.new` announced it; and the order per dialog. */
  const received = new Map<string, Map<string, number>>();
  const order = new Map<string, Map<string, string[]>>();
  for (const u of users) {
    const client = nodeClient(proxy.url, host.auth(u), {
      transport: { heartbeat: { intervalMs: 500, timeoutMs: 1000 }, connectTimeoutMs: 3000 },
    });
    const counts = new Map<string, number>();
    const perDialog = new Map<string, string[]>();
    client.on('message.new', (m) => {
      if (m.message_type !== 'user') return;
      counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      perDialog.set(m.dialog_id, [...(perDialog.get(m.dialog_id) ?? []), m.id]);
    });
    clients.set(u, client);
    received.set(u, counts);
    order.set(u, perDialog);
  }
  await Promise.all([...clients.values()].map((c) => c.connect()));

  // Every user sends a quarter of the messages, round-robin over their dialogs, all queued at once.
  const sends: Promise<Message>[] = [];
  for (const u of users) {
    const mine = dialogsOf(u);
    for (let i = 0; i < TOTAL / users.length; i += 1) {
      sends.push(clients.get(u)!.messages.send(mine[i % mine.length]!, `${u} #${i}`));
    }
  }
  let settled = 0;
  const all = Promise.all(sends.map((p) => p.finally(() => (settled += 1))));

  // Chaos until every send is stored: network cuts of varying length, and one server restart halfway.
  let restarted = false;
  let cuts = 0;
  while (settled < TOTAL) {
    await sleep(250 + Math.floor(random() * 350));
    if (!restarted && settled >= TOTAL / 2) {
      restarted = true;
      await srv.stop();
      await sleep(300);
      await srv.start();
    } else {
      proxy.cut();
      cuts += 1;
      await sleep(50 + Math.floor(random() * 250));
      proxy.restore();
    }
    // Half the time the device notices the network is back; otherwise the backoff brings it back.
    if (random() < 0.5) for (const c of clients.values()) c.network.resume();
  }
  const stored = await all;
  expect(restarted).toBe(true);
  expect(cuts).toBeGreaterThan(0);

  // Stored exactly once: the server holds each dialog's messages once, and they are the ones the promises returned.
  const api = (u: string) => host.mint(u).then((t) => new Api(srv.url, { authorization: `Bearer ${t}` }));
  for (const [dialogId, who] of Object.entries(members)) {
    const reader = await api(who[0]!);
    const ids: string[] = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const res = await reader.get(`/api/v1/dialogs/${dialogId}/messages?after=${after}&limit=200`);
      expect(res.status).toBe(200);
      const page = res.body.data as { messages: Message[]; has_more_after: boolean };
      ids.push(...page.messages.filter((m) => m.message_type === 'user').map((m) => m.id));
      if (!page.has_more_after || page.messages.length === 0) break;
      after = page.messages[page.messages.length - 1]!.id;
    }
    const expected = stored.filter((m) => m.dialog_id === dialogId).map((m) => m.id);
    expect(ids.length).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected));
  }
  expect(new Set(stored.map((m) => m.id)).size).toBe(TOTAL);

  // Delivered exactly once to every member, in order.
  for (const u of users) {
    const expected = stored.filter((m) => members[m.dialog_id]!.includes(u)).map((m) => m.id);
    const counts = received.get(u)!;
    await eventually(() => expected.every((id) => counts.has(id)), `every message to reach ${u}`, 120_000).catch((err: Error) => {
      const missing = expected.filter((id) => !counts.has(id));
      throw new Error(
        `${err.message}; ${missing.length} missing (${missing.slice(0, 5).join(', ')}), connection ${JSON.stringify(clients.get(u)!.connection)}`,
      );
    });
    const twice = [...counts].filter(([, n]) => n !== 1);
    expect(twice, `${u} got messages more than once`).toEqual([]);
    expect(counts.size).toBe(expected.length);
    for (const [dialogId, ids] of order.get(u)!) {
      expect(ids, `${u}'s messages in ${dialogId} in order`).toEqual([...ids].sort());
    }
  }

  // Unread counts equal the server's.
  for (const u of users) {
    const client = clients.get(u)!;
    const reader = await api(u);
    let server: Record<string, number> = {};
    await eventually(
      async () => {
        const res = await reader.get('/api/v1/dialogs');
        server = Object.fromEntries((res.body.data as { id: string; unread_count: number }[]).map((d) => [d.id, d.unread_count]));
        const mine = Object.fromEntries(Object.entries(client.state.get().chat.dialogs).map(([id, d]) => [id, d.unread_count]));
        return JSON.stringify(mine, Object.keys(mine).sort()) === JSON.stringify(server, Object.keys(server).sort());
      },
      `${u}'s unread counts to settle`,
      30_000,
    ).catch(() => undefined);
    const mine = Object.fromEntries(Object.entries(client.state.get().chat.dialogs).map(([id, d]) => [id, d.unread_count]));
    expect(mine).toEqual(server);
    expect(Object.keys(mine).sort()).toEqual(dialogsOf(u).sort());
    expect(client.state.get().pending).toEqual({});
    expect(client.queuedSends).toBe(0);
  }
});
