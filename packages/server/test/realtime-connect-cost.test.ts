/**
 * A connect does no database work that grows with the user's dialogs (issue 13): a user in 60 dialogs costs the
 * same number of queries to connect (and to announce online) as a user in one, counted by
 * `parley_realtime_db_queries_total`. The server's presence timers are driven by the test.
 */
import { describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { metricValue, useClockedServer } from './support/clocked-server.js';
import { eventually } from './support/poll.js';
import { WsClient } from './support/realtime.js';

const DIALOGS = 60;

const env = useClockedServer();

const queries = () => metricValue(env.server.built.services.metrics.realtimeQueries);
const opened = () => metricValue(env.server.built.services.metrics.sessionsOpened);

async function connect(userId: string): Promise<WsClient> {
  const before = await opened();
  const c = await WsClient.connect(env.server.url, { userId });
  env.clients.push(c);
  await eventually(async () => (await opened()) > before, `${userId}'s session to open`);
  return c;
}

/** Moves time until `watcher` hears that `userId` is online: every presence pass before it is over. */
async function announced(watcher: WsClient, userId: string): Promise<void> {
  await eventually(() => {
    env.clock.advance(1000);
    return watcher.received.some((m) => m.type === 'presence.update' && m.user_id === userId && m.is_online);
  }, `${userId} online`);
}

/** The queries it takes to connect `userId` and tell `watcher` (a co-member, connected) about it. */
async function cost(userId: string, watcher: WsClient): Promise<number> {
  const before = await queries();
  await connect(userId);
  await announced(watcher, userId);
  return (await queries()) - before;
}

describe('what a connect costs', () => {
  it(`a user in ${DIALOGS} dialogs connects with as many queries as a user in one`, async () => {
    for (let i = 0; i < DIALOGS; i++) await createDialog(env.server, { participants: [person('cc-many'), person(`cc-p${i}`)] });
    await createDialog(env.server, { participants: [person('cc-one'), person('cc-q')] });
    await createDialog(env.server, { participants: [person('cc-p0'), person('cc-q'), person('cc-x')] });
    const p0 = await connect('cc-p0');
    const q = await connect('cc-q');
    // A barrier: once q hears of x, the passes for p0 and q are over too (passes run one at a time, in order).
    await connect('cc-x');
    await announced(q, 'cc-x');

    const one = await cost('cc-one', q);
    const many = await cost('cc-many', p0);
    console.log(`queries to connect and announce: 1 dialog ${one}, ${DIALOGS} dialogs ${many}`);
    expect(one).toBeGreaterThan(0);
    expect(many).toBe(one);
  });
});
