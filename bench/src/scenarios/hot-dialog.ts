/**
 * @module scenarios/hot-dialog: one dialog everyone writes to at once. M members, all connected; S senders post
 * N messages in a closed loop (each sends its next message as soon as the previous one is acknowledged), so the
 * figure is how fast sends in ONE dialog can go when they overlap: a target that serializes a dialog's sends
 * shows it here. Send latency: request to acknowledgement; delivery latency: request to receipt by each other member.
 */
import { Meter, quiesce } from '../proc.js';
import { driverCpu, driverMark, ErrorTally, Figures, range, type ScenarioResult } from '../result.js';
import { Samples, sleep, until } from '../stats.js';
import { connectAll, content, type Target } from '../targets.js';

export interface HotDialogPlan {
  members: number;
  senders: number;
  messages: number;
}

export async function hotDialog(t: Target, plan: HotDialogPlan, log: (s: string) => void): Promise<ScenarioResult> {
  const f = new Figures();
  const users = range(plan.members).map((i) => `hot${i}`);
  await t.prepare(users);
  const dialog = await t.createDialog('hot', users);
  const send = new Samples();
  const delivery = new Samples();
  let delivered = 0;
  let lastDelivery = 0;
  const run = await connectAll(
    t,
    users,
    (m) => {
      if (m.user === m.sender) return;
      delivered++;
      delivery.add(m.at - m.sentAt);
      lastDelivery = Math.max(lastDelivery, m.at);
    },
    plan.members,
    60,
  );
  if (run.conns.size < users.length) f.note(`${users.length - run.conns.size} members failed to connect`);
  await quiesce(t.server.pid, 30_000);

  const errors = new ErrorTally();
  const meter = new Meter(t.server.pid).start();
  const mark = driverMark();
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(
    range(plan.senders).map(async () => {
      for (;;) {
        const k = next++;
        if (k >= plan.messages) return;
        const at = performance.now();
        try {
          await t.send(users[k % users.length]!, dialog, content(k, at));
          send.add(performance.now() - at);
          ok++;
        } catch (err) {
          errors.add(err);
        }
      }
    }),
  );
  const lastAck = performance.now();
  const expected = ok * (run.conns.size - 1);
  await until(() => delivered >= expected, 15_000);
  const usage = meter.stop();
  const secs = (lastAck - t0) / 1000;
  f.add('sustained msg/s', ok / secs, 'msg/s', 'higher')
    .add('send p50', send.p(50), 'ms', 'lower')
    .add('send p99', send.p(99), 'ms', 'lower')
    .add('delivery p50', delivery.p(50), 'ms', 'lower')
    .add('delivery p99', delivery.p(99), 'ms', 'lower')
    .add('deliveries/s', lastDelivery > t0 ? delivered / ((lastDelivery - t0) / 1000) : 0, '/s', 'higher')
    .add('server CPU', usage.cpuPct, '%', 'lower')
    .add('errors', errors.total, '', 'lower')
    .add('lost deliveries', Math.max(0, expected - delivered), '', 'lower')
    .add('driver CPU', driverCpu(mark), '%', 'none')
    .add('machine busy', usage.hostPct, '%', 'none');
  f.note(`${plan.members} members online, ${plan.senders} concurrent senders, ${plan.messages} messages in ${secs.toFixed(1)} s`);
  if (errors.total > 0) f.note(`send errors: ${errors.summary()}`);
  log(`  ${(ok / secs).toFixed(0)} msg/s, send p99 ${send.p(99)?.toFixed(1)} ms, delivery p99 ${delivery.p(99)?.toFixed(1)} ms`);
  for (const c of run.conns.values()) c.close();
  await sleep(300);
  return f.result();
}
