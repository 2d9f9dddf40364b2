/**
 * After `resync_required` the client rebuilds the gap over REST and emits each missed message once, even when a
 * dialog-list reload during the gap already showed newer messages than the app was ever told of.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { eventually } from '../../server/test/support/poll.js';
import { tokenOf, WsClient } from '../../server/test/support/realtime.js';
import { startProxy, type TcpProxy } from '../../server/test/support/tcp-proxy.js';
import type { ClientEvents } from '../src/index.js';
import { closeClients, dialogWith, nodeClient, uid } from './support/clients.js';
import { hostBackend, type HostBackend } from './support/host.js';

let server: TestServer;
let host: HostBackend;
let proxy: TcpProxy;

beforeAll(async () => {
  // A one-second log: a client away for longer cannot resume and is told to resync.
  server = await startServer({ EVENT_RETENTION_SECS: '1' });
  host = hostBackend(() => server.url, server.adminToken);
  proxy = await startProxy(Number(new URL(server.url).port));
});
afterAll(async () => {
  closeClients();
  await proxy.close();
  await server.close();
});

it('emits the messages a resync found, though a dialog-list reload in the gap already showed them as the last ones', async () => {
  const alice = uid('alice');
  const bob = uid('bob');
  const dialogId = await dialogWith(server.admin, [alice, bob]);
  // Every backoff wait is about ten minutes: the client comes back only when the test says the network is back.
  const client = nodeClient(proxy.url, host.auth(alice), {
    transport: { backoff: { initialMs: 600_000, maxMs: 600_000, random: () => 0.99 } },
  });
  const got: string[] = [];
  client.on('message.new', (m) => {
    if (m.message_type === 'user') got.push(m.content);
  });
  const resyncs: ClientEvents['resync'][] = [];
  client.on('resync', (r) => resyncs.push(r));
  await client.connect();
  const cursor = client.connection.lastEventId!;

  proxy.cut();
  await eventually(() => client.connection.state !== 'connected', 'the client to notice the cut');
  const bobApi = await server.user(bob);
  for (const content of ['missed 1', 'missed 2'])
    expect((await bobApi.post(`/api/v1/dialogs/${dialogId}/messages`, { content })).status).toBe(200);
  // Wait until the log no longer covers the client's cursor.
  const probeToken = tokenOf(await server.user(alice));
  await eventually(async () => {
    const probe = await WsClient.connect(server.url, { token: probeToken, lastEventId: cursor });
    await probe.ping();
    await probe.close();
    return probe.received.some((m) => m.type === 'resync_required');
  }, 'the log to be pruned past the cursor');

  // HTTP is back first: a reload of the dialog list shows 'missed 2' as the dialog's last message.
  proxy.restore();
  await client.sync();
  expect(client.state.get().chat.dialogs[dialogId]!.last_message_id).not.toBeNull();
  expect(got).toEqual([]);
  // Then the realtime connection: resync_required, and the gap comes over REST.
  client.network.resume();
  await eventually(() => resyncs.length === 1, 'a resync');
  expect(resyncs).toEqual([{ reason: 'resync_required', recovered: 2 }]);
  expect(got).toEqual(['missed 1', 'missed 2']);
});
