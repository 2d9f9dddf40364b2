/**
 * @module scenarios/fanout: one dialog of N members, everyone online. One member posts at a steady pace
 * (delivery latency to each member, and the time until the last member has a message), then a burst of
 * messages at once (deliveries per second while the server drains it).
 */
import { Meter, quiesce } from '../proc.js';
import { driverCpu, driverMark, ErrorTally, Figures, range, type ScenarioResult } from '../result.js';
import { Samples, sleep, until } from '../stats.js';
import { connectAll, content, traffic, type Received, type Target } from '../targets.js';

export interface FanoutPlan {
  members: number;
  paced: number;
  pacedRate: number;
  burst: number;
  /** No member starts connecting after this many seconds. */
  deadlineSecs: number;
}

export async function fanout(t: Target, plan: FanoutPlan, log: (s: string) => void): Promise<ScenarioResult> {
  const f = new Figures();
  const users = range(plan.members).map((i) => `f${i}`);
  let t1 = performance.now();
  await t.prepare(users);
  const prepared = performance.now() - t1;
  t1 = performance.now();
  const dialog = await t.createDialog('fanout', users);
  const created = performance.now() - t1;
  t1 = performance.now();
  const sender = users[0]!;
  const total = plan.paced + plan.burst;
  const got = new Array<number>(total).fill(0);
  const last = new Array<number>(total).fill(0);
  const due = new Array<number>(total).fill(0);
  const delivery = new Samples();
  const onMessage = (m: Received) => {
    if (m.user === m.sender || m.key >= total) return;
    got[m.key]!++;
    last[m.key] = Math.max(last[m.key]!, m.at);
    if (m.key < plan.paced) delivery.add(m.at - m.sentAt);
  };
  const frames0 = traffic.frames;
  const run = await connectAll(t, users, onMessage, 100, plan.deadlineSecs);
  const conns = [...run.conns.values()];
  const connectFailures = run.failures;
  if (run.late > 0) f.note(`**${run.late} members not connected**: the ${plan.deadlineSecs} s connect deadline had passed`);
  const others = conns.filter((c) => c.user !== sender).length;
  f.note(`${conns.length} of ${plan.members} members connected`);
  // What connecting left for the server to do (Parley: presence notices to every online member) ends first.
  const { busyMs: busy, timedOut } = await quiesce(t.server.pid, 60_000);
  if (timedOut) f.note(`**still busy ${(busy / 1000).toFixed(0)} s after the last member connected**; measured anyway`);
  if (run.errors.total > 0) f.note(`connect errors: ${run.errors.summary()}`);
  const connectFrames = traffic.frames - frames0;
  log(
    `  setup: ${users.length} users ${(prepared / 1000).toFixed(1)} s, dialog ${(created / 1000).toFixed(1)} s, connect ${((performance.now() - t1 - busy) / 1000).toFixed(1)} s, then busy ${(busy / 1000).toFixed(1)} s`,
  );

  const meter = new Meter(t.server.pid).start();
  const mark = driverMark();
  const sendErrors = new ErrorTally();
  const send = new Samples();
  const sends: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  for (let k = 0; k < plan.paced; k++) {
    due[k] = t0 + (k * 1000) / plan.pacedRate;
    const wait = due[k]! - performance.now();
    if (wait > 0) await sleep(wait);
    const at = due[k]!;
    sends.push(t.send(sender, dialog, content(k, at)).then(() => send.add(performance.now() - at), sendErrors.add));
  }
  await Promise.all(sends);
  await until(() => got.slice(0, plan.paced).every((g) => g >= others), 15_000);
  const complete = new Samples();
  for (let k = 0; k < plan.paced; k++) if (got[k]! >= others) complete.add(last[k]! - due[k]!);

  await sleep(300);
  const b0 = performance.now();
  const burst: Promise<void>[] = [];
  for (let k = plan.paced; k < total; k++) {
    due[k] = b0;
    burst.push(t.send(sender, dialog, content(k, b0)).catch(sendErrors.add));
  }
  await Promise.all(burst);
  await until(() => got.slice(plan.paced).every((g) => g >= others), 30_000);
  const burstDelivered = got.slice(plan.paced).reduce((a, b) => a + b, 0);
  const burstEnd = Math.max(...last.slice(plan.paced));
  const usage = meter.stop();
  const lost = got.reduce((a, g) => a + Math.max(0, others - g), 0);

  f.add('delivery p50 (paced)', delivery.p(50), 'ms', 'lower')
    .add('delivery p99 (paced)', delivery.p(99), 'ms', 'lower')
    .add('last member reached p50 (paced)', complete.p(50), 'ms', 'lower')
    .add('last member reached p99 (paced)', complete.p(99), 'ms', 'lower')
    .add('send p50 (paced)', send.p(50), 'ms', 'lower')
    .add(`burst of ${plan.burst}: deliveries/s`, burstEnd > b0 ? burstDelivered / ((burstEnd - b0) / 1000) : null, '/s', 'higher')
    .add(`burst of ${plan.burst}: all delivered after`, burstEnd > b0 ? burstEnd - b0 : null, 'ms', 'lower')
    .add('server busy after the last member connected', busy / 1000, 's', 'lower')
    .add('frames received while members connected', connectFrames, '', 'lower')
    .add('server RSS (peak)', usage.peakRssMb, 'MB', 'lower')
    .add('server CPU', usage.cpuPct, '%', 'lower')
    .add('errors', sendErrors.total + connectFailures, '', 'lower')
    .add('lost deliveries', lost, '', 'lower')
    .add('driver CPU', driverCpu(mark), '%', 'none')
    .add('machine busy', usage.hostPct, '%', 'none');
  if (sendErrors.total > 0) f.note(`send errors: ${sendErrors.summary()}`);
  log(
    `  delivery p99 ${delivery.p(99)?.toFixed(1)} ms, burst ${burstEnd > b0 ? (burstDelivered / ((burstEnd - b0) / 1000)).toFixed(0) : '-'} deliveries/s, lost ${lost}`,
  );
  for (const c of conns) c.close();
  await sleep(500);
  return f.result();
}
