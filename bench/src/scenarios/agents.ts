/**
 * @module scenarios/agents: AI agents under load (Parley only). D dialogs of two people; each sender posts one
 * message a second for a few seconds, open loop. First without agents, then in D other dialogs of the same two
 * people plus the built-in demo agent, which answers every message. Reports the agent's time to first text
 * delta and to the finished item (from the intended send time, seen by the sender's socket), and the delivery
 * latency of the people's messages to the other person in both phases: the difference is what agents add.
 */
import WebSocket from 'ws';
import { driverCpu, driverMark, ErrorTally, Figures, range, type ScenarioResult } from '../result.js';
import { Meter, quiesce } from '../proc.js';
import { Samples, pool, sleep, until } from '../stats.js';
import { content, type ParleyTarget } from '../targets.js';

export interface AgentsPlan {
  dialogs: number;
  /** Seconds of one message per second per dialog, per phase. */
  secs: number;
}

const CONTENT = /^b (\d+) ([\d.]+) /;

interface Phase {
  delivery: Samples;
  firstDelta: Samples;
  done: Samples;
  sent: number;
  failed: number;
  delivered: number;
  finished: number;
}

const phase = (): Phase => ({
  delivery: new Samples(),
  firstDelta: new Samples(),
  done: new Samples(),
  sent: 0,
  failed: 0,
  delivered: 0,
  finished: 0,
});

export async function agents(t: ParleyTarget, plan: AgentsPlan, log: (s: string) => void): Promise<ScenarioResult> {
  const f = new Figures();
  const agentId = 'bench-demo';
  await t.registerAgent({ id: agentId, display_name: 'Bench demo', kind: 'demo' });
  const senders = range(plan.dialogs).map((i) => `ag-a${i}`);
  const readers = range(plan.dialogs).map((i) => `ag-b${i}`);
  await t.prepare([...senders, ...readers]);
  const plain: string[] = [];
  const withAgent: string[] = [];
  const failedDialogs = await pool(range(plan.dialogs), 8, async (i) => {
    plain[i] = await t.createAgentDialog(`ag-plain-${i}`, [senders[i]!, readers[i]!], []);
    withAgent[i] = await t.createAgentDialog(`ag-agent-${i}`, [senders[i]!, readers[i]!], [agentId]);
  });
  if (failedDialogs > 0) throw new Error(`${failedDialogs} dialogs could not be created`);

  let current: Phase = phase();
  /** message id → intended send time; run id → message id. */
  const sentAt = new Map<string, number>();
  const runOf = new Map<string, string>();
  const firstSeen = new Set<string>();
  const onFrame = (user: string, raw: string) => {
    const at = performance.now();
    const m = JSON.parse(raw) as Record<string, any>;
    if (m.type === 'message.new' && user.startsWith('ag-b') && typeof m.content === 'string') {
      const c = CONTENT.exec(m.content);
      if (c) {
        current.delivered++;
        current.delivery.add(at - Number(c[2]));
      }
      return;
    }
    if (!user.startsWith('ag-a')) return;
    if (m.type === 'agent.run.started' && m.reply_to_id) runOf.set(m.run_id, m.reply_to_id);
    const msg = runOf.get(m.run_id);
    const due = msg ? sentAt.get(msg) : undefined;
    if (due === undefined) return;
    if (m.type === 'agent.item.updated' && m.update?.type === 'assistant_message.content_part.text_delta' && !firstSeen.has(m.run_id)) {
      firstSeen.add(m.run_id);
      current.firstDelta.add(at - due);
    } else if (m.type === 'agent.item.done') {
      current.done.add(at - due);
    } else if (m.type === 'agent.run.finished') {
      current.finished++;
    }
  };
  const sockets: WebSocket[] = [];
  const connectErrors = new ErrorTally();
  const failedConnects = await pool(
    [...senders, ...readers],
    50,
    async (user) => {
      const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/v1/ws?token=${t.tokenOf(user)}`, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('connect timeout')), 30_000);
        ws.on('message', (data) => {
          const text = String(data);
          if (text.includes('"connected"')) {
            clearTimeout(timer);
            resolve();
          }
          onFrame(user, text);
        });
        ws.once('error', reject);
      });
      sockets.push(ws);
    },
    connectErrors.add,
  );
  if (failedConnects > 0) f.note(`${failedConnects} clients failed to connect: ${connectErrors.summary()}`);
  await quiesce(t.server.pid, 30_000);

  const run = async (dialogs: string[], name: string): Promise<Phase> => {
    current = phase();
    const p = current;
    const meter = new Meter(t.server.pid).start();
    const mark = driverMark();
    const total = plan.dialogs * plan.secs;
    const interval = 1000 / plan.dialogs;
    const t0 = performance.now() + 20;
    const errors = new ErrorTally();
    let inflight = 0;
    for (let i = 0; i < total; ) {
      const now = performance.now();
      while (i < total && t0 + i * interval <= now) {
        const due = t0 + i * interval;
        const d = i % plan.dialogs;
        i++;
        inflight++;
        t.sendForId(senders[d]!, dialogs[d]!, content(i, due))
          .then(
            (id) => {
              p.sent++;
              sentAt.set(id, due);
            },
            (err: unknown) => {
              p.failed++;
              errors.add(err);
            },
          )
          .finally(() => inflight--);
      }
      await sleep(2);
    }
    await until(() => inflight === 0, 60_000);
    await until(() => p.delivered >= p.sent, 10_000);
    if (dialogs === withAgent) await until(() => p.finished >= p.sent, 120_000);
    const usage = meter.stop();
    f.add(`${name}: server CPU`, usage.cpuPct, '%', 'lower').add(`${name}: driver CPU`, driverCpu(mark), '%', 'none');
    if (errors.total > 0) f.note(`${name}: send errors: ${errors.summary()}`);
    log(
      `  ${name}: ${p.sent} sent, delivery p99 ${fmt(p.delivery.p(99))} ms${dialogs === withAgent ? `, first delta p99 ${fmt(p.firstDelta.p(99))} ms, done p99 ${fmt(p.done.p(99))} ms` : ''}`,
    );
    return p;
  };

  const without = await run(plain, 'without agents');
  await quiesce(t.server.pid, 30_000);
  const withA = await run(withAgent, 'with agents');
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  f.add('agent first delta p50', withA.firstDelta.p(50), 'ms', 'lower')
    .add('agent first delta p99', withA.firstDelta.p(99), 'ms', 'lower')
    .add('agent done p50', withA.done.p(50), 'ms', 'lower')
    .add('agent done p99', withA.done.p(99), 'ms', 'lower')
    .add('agent replies finished', withA.finished, '', 'higher')
    .add('agent replies missing', Math.max(0, withA.sent - withA.finished), '', 'lower')
    .add('delivery p50 without agents', without.delivery.p(50), 'ms', 'lower')
    .add('delivery p99 without agents', without.delivery.p(99), 'ms', 'lower')
    .add('delivery p50 with agents', withA.delivery.p(50), 'ms', 'lower')
    .add('delivery p99 with agents', withA.delivery.p(99), 'ms', 'lower')
    .add('added delivery p50', diff(withA.delivery.p(50), without.delivery.p(50)), 'ms', 'lower')
    .add('added delivery p99', diff(withA.delivery.p(99), without.delivery.p(99)), 'ms', 'lower');
  f.note(`${plan.dialogs} dialogs, 1 message/s each for ${plan.secs} s per phase; ${without.sent} + ${withA.sent} messages sent`);
  for (const ws of sockets) ws.close();
  await sleep(300);
  return f.result();
}

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(1));
