/**
 * Resumes read the log once per batch of waiting clients, not once per client (issue 13): many clients resume
 * at once, from different cursors and with different dialogs; the log is read once for the batch
 * (`parley_realtime_replay_reads_total`), and every client still gets exactly the events after its cursor that it
 * may see, once each, in order. The server's timers are driven by the test, so all resumes are waiting when the
 * pass runs, whatever the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { metricValue, useClockedServer } from './support/clocked-server.js';
import { eventually } from './support/poll.js';
import { WsClient, type Msg } from './support/realtime.js';
import { seededRandom, testSeed } from './support/seeded.js';

const CLIENTS = 40;
const MESSAGES = 60;

const env = useClockedServer();

const reads = () => metricValue(env.server.built.services.metrics.replayReads);

describe('resume storm', () => {
  it(`${CLIENTS} concurrent resumes share one read of the log; none loses or repeats an event`, async () => {
    const random = seededRandom(testSeed('resume storm'));
    const users = Array.from({ length: CLIENTS }, (_, i) => `rb-${i}`);
    const all = await createDialog(env.server, { participants: users.map((u) => person(u)) });
    // Half of the users are also in a second dialog: the others must not get its events.
    const half = users.filter((_, i) => i % 2 === 0);
    const some = await createDialog(env.server, { participants: half.map((u) => person(u)) });
    const members = new Map([
      [all.id, new Set(users)],
      [some.id, new Set(half)],
    ]);

    // A live observer in both dialogs learns the event id of every message.
    const observer = await WsClient.connect(env.server.url, { userId: users[0]! });
    env.clients.push(observer);
    const sender = await env.server.user(users[0]!);
    const sent: string[] = [];
    for (let k = 0; k < MESSAGES; k++) {
      const d = k % 3 === 0 ? some.id : all.id;
      const res = await sender.post(`/api/v1/dialogs/${d}/messages`, { content: `m${k}` });
      expect(res.status).toBe(200);
      sent.push(res.body.data.id);
    }
    const news = await eventually(() => {
      env.clock.advance(1);
      const got = observer.received.filter((m) => m.type === 'message.new' && sent.includes(m.id));
      return got.length === MESSAGES && got;
    }, 'the observer to see every message');
    const eventOf = new Map(news.map((m) => [m.id as string, m]));

    // Each client resumes from the id of a random message (or from before all of them).
    const cursors = users.map(() => {
      const k = Math.floor(random() * (MESSAGES + 1));
      return k === 0 ? (news[0]!.event_id as number) - 1 : (news[k - 1]!.event_id as number);
    });
    const before = await reads();
    const resumed = await Promise.all(users.map((u, i) => WsClient.connect(env.server.url, { userId: u, lastEventId: cursors[i] })));
    env.clients.push(...resumed);
    const expected = users.map((u, i) =>
      sent.filter((id) => {
        const e = eventOf.get(id)!;
        return (e.event_id as number) > cursors[i]! && members.get(e.dialog_id as string)!.has(u);
      }),
    );
    await eventually(
      () => {
        env.clock.advance(1);
        return resumed.every((c, i) => c.received.filter((m) => m.type === 'message.new').length >= expected[i]!.length);
      },
      () =>
        `every resume to finish (${resumed.filter((c, i) => c.received.filter((m) => m.type === 'message.new').length >= expected[i]!.length).length} of ${CLIENTS})`,
    );
    const used = (await reads()) - before;
    console.log(`${CLIENTS} resumes from ${new Set(cursors).size} cursors: ${used} read(s) of the log`);
    // At least the one read (the counter counts), at most two (a pass may start before every resume is waiting).
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(2);

    for (const [i, c] of resumed.entries()) {
      const events = c.received.filter((m: Msg) => typeof m.event_id === 'number');
      const ids = events.map((m) => m.event_id as number);
      // In order, each once, nothing at or before the cursor, and exactly the messages this user may see.
      expect(ids, `${users[i]}: ascending`).toEqual([...new Set(ids)].sort((a, b) => a - b));
      expect(ids.every((id) => id > cursors[i]!)).toBe(true);
      expect(events.filter((m) => m.type === 'message.new').map((m) => m.id)).toEqual(expected[i]);
    }
  });
});
