/**
 * Presence that costs nothing (issue 13): a burst of connects to a large dialog sends each member a count
 * (`presence.digest`), not one frame per member per connect; a small dialog still gets `presence.update` per
 * member, once per changed user. The server's presence timers are driven by the test (ManualClock): nothing is
 * sent until the test moves the clock, so the count of frames does not depend on how fast the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { ManualClock } from './support/manual-clock.js';
import { eventually } from './support/poll.js';
import { redisEnv, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

const MEMBERS = 300;
const LARGE = 50;
const WINDOW_MS = 100;
/** Much longer than a window: a digest waits for the burst to be over. */
const QUIET_MS = 20 * WINDOW_MS;

let server: TestServer;
const clock = new ManualClock();
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer(
    {
      ...redisEnv(),
      JWT_AUTH_ENABLED: 'false',
      PRESENCE_LARGE_DIALOG: String(LARGE),
      PRESENCE_WINDOW_MS: String(WINDOW_MS),
      PRESENCE_DIGEST_QUIET_MS: String(QUIET_MS),
      PRESENCE_DIGEST_MAX_MS: String(10 * QUIET_MS),
    },
    { clock },
  );
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

async function connect(userId: string): Promise<WsClient> {
  const c = await WsClient.connect(server.url, { userId });
  clients.push(c);
  return c;
}

const presenceFrames = (cs: WsClient[]) => cs.flatMap((c) => c.received.filter((m) => m.type.startsWith('presence.')));

describe('presence fan-out', () => {
  it(`a burst of ${MEMBERS} connects to one dialog costs each member a digest, not a frame per member`, async () => {
    const users = Array.from({ length: MEMBERS }, (_, i) => `pl-${i}`);
    const dialog = await createDialog(server, { participants: users.map((u) => person(u)) });
    const members: WsClient[] = [];
    for (let i = 0; i < users.length; i += 25) members.push(...(await Promise.all(users.slice(i, i + 25).map(connect))));

    // Time moves one window per poll; the digest goes out once the dialog has been quiet for QUIET_MS.
    const done = (m: Msg) => m.type === 'presence.digest' && m.dialog_id === dialog.id && m.online_count === MEMBERS;
    await eventually(
      () => {
        clock.advance(WINDOW_MS);
        return members.every((c) => c.received.some(done));
      },
      () => `every member to get the digest (${members.filter((c) => c.received.some(done)).length} of ${MEMBERS} have)`,
    );
    const frames = presenceFrames(members);
    const all = members.reduce((n, c) => n + c.received.length, 0);
    console.log(`${MEMBERS} members connected: ${all} frames received in all, ${frames.length} of them presence`);
    // No per-member frames for a large dialog, and the bound of issue 13: frames while connecting ≤ 3× the members.
    expect(frames.filter((m) => m.type === 'presence.update')).toEqual([]);
    expect(all).toBeLessThanOrEqual(3 * MEMBERS);
    expect(frames.at(-1)).toEqual({ type: 'presence.digest', dialog_id: dialog.id, online_count: MEMBERS, member_count: MEMBERS });
  });

  it('a small dialog gets presence.update per changed user, once, however many dialogs they share', async () => {
    const [a, b, c] = ['ps-a', 'ps-b', 'ps-c'];
    await createDialog(server, { participants: [person(a!), person(b!), person(c!)] });
    await createDialog(server, { participants: [person(a!), person(b!)] });
    const alice = await connect(a!);
    const from = alice.received.length;
    const bob = await connect(b!);
    const carol = await connect(c!);
    const seen = (who: string) => (m: Msg) => m.type === 'presence.update' && m.user_id === who && m.is_online === true;
    await eventually(() => {
      clock.advance(WINDOW_MS);
      return alice.received.some(seen(b!)) && alice.received.some(seen(c!)) && bob.received.some(seen(c!));
    }, 'presence.update for bob and carol');
    // Bob shares two dialogs with alice: one frame about him all the same; nobody hears about themselves.
    expect(alice.received.slice(from).filter((m) => m.type === 'presence.update')).toHaveLength(2);
    expect(carol.received.filter((m) => m.type === 'presence.update' && m.user_id === c)).toEqual([]);

    await bob.close();
    await eventually(() => {
      clock.advance(WINDOW_MS);
      return alice.received.some((m) => m.type === 'presence.update' && m.user_id === b && m.is_online === false);
    }, 'bob offline');
  });
});
