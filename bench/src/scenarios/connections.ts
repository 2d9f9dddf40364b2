/**
 * @module scenarios/connections: many WebSocket connections. First N idle clients connect, C at a time: connect
 * time (request to the server's `connected`) and the server's RSS per connection. Then a reconnect storm: S of
 * them, members of dialogs of ten, hold a recent cursor; they drop, one message per dialog is posted while they
 * are away, and all S reconnect at once with their cursor. Measured: time to `connected`, time until each has
 * the message it missed, and anything lost or duplicated.
 */
import { Meter, quiesce, sample } from '../proc.js';
import { driverCpu, driverMark, ErrorTally, Figures, range, type ScenarioResult } from '../result.js';
import { Samples, pool, sleep, until } from '../stats.js';
import { connectAll, content, type Conn, type Received, type Target } from '../targets.js';

export interface ConnectionsPlan {
  idle: number;
  storm: number;
  dialogSize: number;
  concurrency: number;
  deadlineSecs: number;
}

export async function connections(
  t: Target,
  plan: ConnectionsPlan,
  log: (s: string) => void,
): Promise<{ idle: ScenarioResult; storm: ScenarioResult }> {
  const users = range(plan.idle).map((i) => `i${i}`);
  const groups = Math.floor(Math.min(plan.storm, plan.idle) / plan.dialogSize);
  const storm = groups * plan.dialogSize;
  const hosts = range(groups).map((k) => `h${k}`);
  let t1 = performance.now();
  await t.prepare([...users, ...hosts]);
  const prepared = performance.now() - t1;
  t1 = performance.now();
  const dialogs = range(groups).map((k) => ({
    k,
    id: '',
    members: [...users.slice(k * plan.dialogSize, (k + 1) * plan.dialogSize), hosts[k]!],
  }));
  const failedDialogs = await pool(dialogs, 8, async (d) => {
    d.id = await t.createDialog(`storm-${d.k}`, d.members);
  });
  if (failedDialogs > 0) throw new Error(`${failedDialogs} dialogs could not be created`);
  log(
    `  setup: ${users.length + hosts.length} users ${(prepared / 1000).toFixed(1)} s, ${groups} dialogs ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
  const groupOf = (user: string) => Math.floor(Number(user.slice(1)) / plan.dialogSize);
  const warmKey = (g: number) => g;
  const missedKey = (g: number) => groups + g;

  // Phase 1: idle connections.
  const idle = new Figures();
  await sleep(1000);
  const before = sample(t.server.pid).rssMb;
  const meter = new Meter(t.server.pid).start();
  let mark = driverMark();
  const warm = new Set<string>();
  const warmHandler = (m: Received) => {
    if (m.key === warmKey(groupOf(m.user))) warm.add(m.user);
  };
  const idleRun = await connectAll(t, users, warmHandler, plan.concurrency, plan.deadlineSecs);
  const { conns, late, secs: connectSecs } = idleRun;
  const idleFailures = idleRun.failures;
  const connectTime = new Samples();
  for (const v of idleRun.times) connectTime.add(v);
  const { busyMs: busy, timedOut } = await quiesce(t.server.pid, 30_000);
  if (timedOut) idle.note(`**still busy ${(busy / 1000).toFixed(0)} s after the last connect**; RSS taken then`);
  if (idleRun.errors.total > 0) idle.note(`connect errors: ${idleRun.errors.summary()}`);
  const usage = meter.stop();
  const connected = conns.size;
  idle
    .add('connected', connected, '', 'higher')
    .add('connect p50', connectTime.p(50), 'ms', 'lower')
    .add('connect p99', connectTime.p(99), 'ms', 'lower')
    .add('connects/s', connected / connectSecs, '/s', 'higher')
    .add('server RSS before', before, 'MB', 'lower')
    .add('server RSS with all connected', usage.rssMb, 'MB', 'lower')
    .add('RSS per connection', connected > 0 ? ((usage.rssMb - before) * 1024) / connected : null, 'KB', 'lower')
    .add('server CPU while connecting', usage.cpuPct, '%', 'lower')
    .add('server busy after the last connect', busy / 1000, 's', 'lower')
    .add('errors', idleFailures, '', 'lower')
    .add('driver CPU', driverCpu(mark), '%', 'none')
    .add('machine busy', usage.hostPct, '%', 'none');
  idle.note(`${plan.idle} clients, ${plan.concurrency} connecting at a time`);
  if (late > 0) idle.note(`**${late} clients not attempted**: the ${plan.deadlineSecs} s connect deadline had passed`);
  log(
    `  idle: ${connected} connected in ${connectSecs.toFixed(1)} s, connect p99 ${connectTime.p(99)?.toFixed(1)} ms, ${(((usage.rssMb - before) * 1024) / Math.max(1, connected)).toFixed(1)} KB/conn`,
  );

  // Phase 2: the reconnect storm.
  const st = new Figures();
  const members = users.slice(0, storm).filter((u) => conns.has(u));
  const used = new Set(members.map(groupOf)).size;
  st.note(
    `${members.length} clients in ${used} dialogs of up to ${plan.dialogSize} (+1 sender), ${connected - members.length} other clients stay connected`,
  );
  await pool(dialogs, 16, async (d) => t.send(d.members.at(-1)!, d.id, content(warmKey(d.k), performance.now())));
  await until(() => members.every((u) => warm.has(u)), 20_000);
  const unwarmed = members.filter((u) => !warm.has(u)).length;
  if (unwarmed > 0) st.note(`${unwarmed} clients never saw the message before the drop`);
  const cursors = new Map(members.map((u) => [u, conns.get(u)!.cursor]));
  for (const u of members) conns.get(u)!.close();
  await sleep(500);
  const stormErrors = new ErrorTally();
  const offlineFailures = await pool(
    dialogs,
    16,
    async (d) => t.send(d.members.at(-1)!, d.id, content(missedKey(d.k), performance.now())),
    stormErrors.add,
  );
  await quiesce(t.server.pid, 20_000);

  const stormMeter = new Meter(t.server.pid).start();
  mark = driverMark();
  const reconnect = new Samples();
  const caughtUp = new Samples();
  const began = new Map<string, number>();
  const seen = new Map<string, number>();
  let duplicates = 0;
  let lastCatchUp = 0;
  const stormHandler = (m: Received) => {
    const g = groupOf(m.user);
    if (m.key === warmKey(g)) duplicates++;
    if (m.key !== missedKey(g)) return;
    const n = (seen.get(m.user) ?? 0) + 1;
    seen.set(m.user, n);
    if (n > 1) return void duplicates++;
    caughtUp.add(m.at - began.get(m.user)!);
    lastCatchUp = Math.max(lastCatchUp, m.at);
  };
  const s0 = performance.now();
  let stormFailures = 0;
  const reconnected: Conn[] = [];
  await Promise.all(
    members.map((u) => {
      began.set(u, performance.now());
      return t.connect(u, stormHandler, cursors.get(u), plan.deadlineSecs * 1000).then(
        (c) => {
          reconnect.add(performance.now() - began.get(u)!);
          reconnected.push(c);
          conns.set(u, c);
        },
        (err: unknown) => {
          stormFailures++;
          stormErrors.add(err);
        },
      );
    }),
  );
  await until(() => seen.size >= members.length - stormFailures, Math.max(1000, plan.deadlineSecs * 1000 - (performance.now() - s0)));
  const stormUsage = stormMeter.stop();
  const missed = members.length - seen.size;
  const stormSecs = lastCatchUp > s0 ? (lastCatchUp - s0) / 1000 : null;
  const resyncs = reconnected.reduce((a, c) => a + c.resyncs, 0);
  st.add('reconnect p50', reconnect.p(50), 'ms', 'lower')
    .add('reconnect p99', reconnect.p(99), 'ms', 'lower')
    .add('missed message received p50', caughtUp.p(50), 'ms', 'lower')
    .add('missed message received p99', caughtUp.p(99), 'ms', 'lower')
    .add('whole storm resumed after', stormSecs === null ? null : stormSecs * 1000, 'ms', 'lower')
    .add('resumes/s', stormSecs ? seen.size / stormSecs : null, '/s', 'higher')
    .add('server RSS (peak)', stormUsage.peakRssMb, 'MB', 'lower')
    .add('server CPU', stormUsage.cpuPct, '%', 'lower')
    .add('errors', stormFailures + offlineFailures, '', 'lower')
    .add('missed messages not received', missed, '', 'lower')
    .add('duplicates', duplicates, '', 'lower')
    .add('resync instructions', resyncs, '', 'lower')
    .add('driver CPU', driverCpu(mark), '%', 'none')
    .add('machine busy', stormUsage.hostPct, '%', 'none');
  if (stormErrors.total > 0) st.note(`errors: ${stormErrors.summary()}`);
  if (missed > stormFailures)
    st.note(
      `${missed - stormFailures} reconnected clients had not received their missed message when the ${plan.deadlineSecs} s deadline passed`,
    );
  log(
    `  storm: ${seen.size}/${members.length} resumed in ${stormSecs?.toFixed(1)} s, reconnect p99 ${reconnect.p(99)?.toFixed(0)} ms, ${missed} missed, ${duplicates} duplicates`,
  );

  for (const c of conns.values()) c.close();
  await sleep(1500);
  return { idle: idle.result(), storm: st.result() };
}
