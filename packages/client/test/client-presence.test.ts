/**
 * Presence in the client's state: `presence.update` of a small dialog marks a user online, and a large dialog's
 * `presence.digest` (PRESENCE_LARGE_DIALOG lowered to 3 here) is kept as its count online. The server's clock
 * (which times the presence digests) is driven by the test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/test/support/manual-clock.js';
import { eventually } from '../../server/test/support/poll.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import type { ClientEvents } from '../src/index.js';
import { closeClients, dialogWith, nodeClient, uid } from './support/clients.js';
import { hostBackend, type HostBackend } from './support/host.js';

let server: TestServer;
let host: HostBackend;
const clock = new ManualClock();

beforeAll(async () => {
  server = await startServer({ PRESENCE_LARGE_DIALOG: '3' }, { clock });
  host = hostBackend(() => server.url, server.adminToken);
});
afterEach(() => closeClients());
afterAll(async () => server.close());

describe('presence', () => {
  it('keeps who is online in a small dialog, and the count online in a large one', async () => {
    const [alice, bob, carol, dan, erin] = ['alice', 'bob', 'carol', 'dan', 'erin'].map(uid) as [string, string, string, string, string];
    await dialogWith(server.admin, [alice, bob]);
    const large = await dialogWith(server.admin, [alice, carol, dan, erin]);
    const client = nodeClient(server.url, host.auth(alice));
    const digests: ClientEvents['presence.digest'][] = [];
    client.on('presence.digest', (d) => digests.push(d));
    await client.connect();
    for (const u of [bob, carol, dan]) await nodeClient(server.url, host.auth(u)).connect();

    await eventually(() => {
      clock.advance(1000);
      return client.state.get().presence[bob] === true && client.state.get().onlineCounts[large]?.online === 3;
    }, 'bob online and 3 of 4 online in the large dialog');
    expect(client.state.get().onlineCounts[large]).toEqual({ online: 3, members: 4 });
    expect(digests.at(-1)).toEqual({ dialog_id: large, online_count: 3, member_count: 4 });
    // The large dialog's members are not announced one by one.
    expect(Object.keys(client.state.get().presence).sort()).toEqual([bob]);
  });
});
