/**
 * @module scenarios/throughput: send and delivery at increasing rates. D dialogs of P members, every member
 * connected; senders (members) post at a fixed offered rate, open loop, for a few seconds per step. Send latency
 * runs from the intended send time to the server's acknowledgement (so a server that falls behind is not
 * excused by a driver that waited); delivery latency from the intended send time to the receipt by each other
 * member. The steps stop once a target no longer sustains 80% of the offered rate or errs on over 1% of sends.
 */
import { Meter, quiesce } from '../proc.js';
import { driverCpu, driverMark, ErrorTally, Figures, range, type ScenarioResult } from '../result.js';
import { Samples, pool, sleep, until } from '../stats.js';
import { connectAll, content, type Target } from '../targets.js';

export interface ThroughputPlan {
  users: number;
  dialogs: number;
  members: number;
  rates: number[];
  stepSecs: number;
  /** Sends in flight at most; beyond, a send is not made and counts as an error (the target is saturated). */
  maxInflight: number;
}

interface Step {
  rate: number;
  from: number;
  to: number;
  send: Samples;
  delivery: Samples;
  ok: number;
  failed: number;
  shed: number;
  delivered: number;
  lastAck: number;
  lastDelivery: number;
}

export async function throughput(t: Target, plan: ThroughputPlan, log: (s: string) => void): Promise<ScenarioResult> {
  const f = new Figures();
  const users = range(plan.users).map((i) => `t${i}`);
  await t.prepare(users);
  const dialogs = await Promise.all(
    range(plan.dialogs).map(async (k) => ({
      k,
      members: range(plan.members).map((j) => users[(k * plan.members + j) % users.length]!),
      id: '',
    })),
  );
  const failedDialogs = await pool(dialogs, 8, async (d) => {
    d.id = await t.createDialog(`tp-${d.k}`, d.members);
  });
  if (failedDialogs > 0) throw new Error(`${failedDialogs} dialogs could not be created`);

  const steps: Step[] = [];
  const onMessage = (m: { user: string; sender: string; key: number; sentAt: number; at: number }) => {
    if (m.user === m.sender) return;
    const s = steps.find((x) => m.key >= x.from && m.key < x.to);
    if (!s) return;
    s.delivered++;
    s.delivery.add(m.at - m.sentAt);
    s.lastDelivery = Math.max(s.lastDelivery, m.at);
  };
  const run = await connectAll(t, users, onMessage, 100, 60);
  const conns = [...run.conns.values()];
  const connectFailures = run.failures + run.late;
  f.note(`${plan.dialogs} dialogs × ${plan.members} members, ${conns.length} of ${users.length} clients connected`);
  if (run.errors.total > 0) f.note(`connect errors: ${run.errors.summary()}`);
  await quiesce(t.server.pid, 30_000);
  const sendErrors = new ErrorTally();

  let key = 0;
  let best = 0;
  let observed = 0;
  for (const rate of plan.rates) {
    const n = Math.round(rate * plan.stepSecs);
    const s: Step = {
      rate,
      from: key,
      to: key + n,
      send: new Samples(),
      delivery: new Samples(),
      ok: 0,
      failed: 0,
      shed: 0,
      delivered: 0,
      lastAck: 0,
      lastDelivery: 0,
    };
    key += n;
    steps.push(s);
    const meter = new Meter(t.server.pid).start();
    const mark = driverMark();
    const interval = 1000 / rate;
    const t0 = performance.now() + 20;
    let inflight = 0;
    let i = 0;
    while (i < n) {
      const now = performance.now();
      while (i < n && t0 + i * interval <= now) {
        const due = t0 + i * interval;
        const d = dialogs[i % dialogs.length]!;
        const sender = d.members[Math.floor(i / dialogs.length) % d.members.length]!;
        const k = s.from + i;
        i++;
        if (inflight >= plan.maxInflight) {
          s.shed++;
          continue;
        }
        inflight++;
        t.send(sender, d.id, content(k, due))
          .then(
            () => {
              const at = performance.now();
              s.ok++;
              s.send.add(at - due);
              s.lastAck = Math.max(s.lastAck, at);
            },
            (err: unknown) => {
              s.failed++;
              sendErrors.add(err);
            },
          )
          .finally(() => inflight--);
      }
      await sleep(2);
    }
    await until(() => inflight === 0, 60_000);
    await until(() => s.delivered >= s.ok * (plan.members - 1), 5_000);
    const usage = meter.stop();
    const sustained = s.lastAck > t0 ? s.ok / ((s.lastAck - t0) / 1000) : 0;
    const deliveriesPerSec = s.lastDelivery > t0 ? s.delivered / ((s.lastDelivery - t0) / 1000) : 0;
    const errors = s.failed + s.shed;
    const p = `@${rate}/s`;
    f.add(`${p} sustained msg/s`, sustained, 'msg/s', 'higher')
      .add(`${p} send p50`, s.send.p(50), 'ms', 'lower')
      .add(`${p} send p99`, s.send.p(99), 'ms', 'lower')
      .add(`${p} delivery p50`, s.delivery.p(50), 'ms', 'lower')
      .add(`${p} delivery p99`, s.delivery.p(99), 'ms', 'lower')
      .add(`${p} deliveries/s`, deliveriesPerSec, '/s', 'higher')
      .add(`${p} server RSS`, usage.rssMb, 'MB', 'lower')
      .add(`${p} server CPU`, usage.cpuPct, '%', 'lower')
      .add(`${p} errors`, errors, '', 'lower')
      .add(`${p} lost deliveries`, Math.max(0, s.ok * (plan.members - 1) - s.delivered), '', 'lower')
      .add(`${p} driver CPU`, driverCpu(mark), '%', 'none')
      .add(`${p} machine busy`, usage.hostPct, '%', 'none');
    log(
      `  ${p}: ${sustained.toFixed(0)} msg/s, send p99 ${fmt(s.send.p(99))} ms, delivery p99 ${fmt(s.delivery.p(99))} ms, ${errors} errors`,
    );
    const saturated = sustained < 0.8 * rate || errors > 0.01 * n;
    if (s.shed > 0) f.note(`@${rate}/s: ${s.shed} sends not made: ${plan.maxInflight} already in flight`);
    observed = Math.max(observed, sustained);
    if (!saturated) best = Math.max(best, sustained);
    if (saturated) {
      f.note(`saturated at ${rate}/s offered; higher rates not run`);
      break;
    }
  }
  f.metrics.unshift({
    name: 'max sustained msg/s (≥80% of offered, ≤1% errors)',
    value: best || observed,
    unit: 'msg/s',
    better: 'higher',
  });
  if (connectFailures > 0) f.note(`${connectFailures} clients failed to connect`);
  if (sendErrors.total > 0) f.note(`send errors: ${sendErrors.summary()}`);
  for (const c of conns) c.close();
  await sleep(500);
  return f.result();
}

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(1));
