/**
 * @module scenarios/dialog-list: the first page of the dialog list of a user who takes part in thousands of
 * dialogs, in a database of about a million messages (seeded beforehand, see seed.ts): sequential requests.
 */
import { Meter } from '../proc.js';
import { Figures, type ScenarioResult } from '../result.js';
import { Samples } from '../stats.js';
import { LISTER } from '../seed.js';
import type { Target } from '../targets.js';

export interface DialogListPlan {
  warmup: number;
  requests: number;
}

export async function dialogList(t: Target, plan: DialogListPlan, log: (s: string) => void): Promise<ScenarioResult> {
  const f = new Figures();
  await t.prepare([LISTER]);
  let page = 0;
  for (let i = 0; i < plan.warmup; i++) page = await t.listDialogs(LISTER);
  const meter = new Meter(t.server.pid).start();
  const latency = new Samples();
  let errors = 0;
  const t0 = performance.now();
  for (let i = 0; i < plan.requests; i++) {
    const t1 = performance.now();
    try {
      page = await t.listDialogs(LISTER);
      latency.add(performance.now() - t1);
    } catch {
      errors++;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const usage = meter.stop();
  f.add('p50', latency.p(50), 'ms', 'lower')
    .add('p99', latency.p(99), 'ms', 'lower')
    .add('mean', latency.mean(), 'ms', 'lower')
    .add('requests/s (one at a time)', latency.count / secs, '/s', 'higher')
    .add('dialogs on the page', page, '', 'none')
    .add('server CPU', usage.cpuPct, '%', 'lower')
    .add('errors', errors, '', 'lower')
    .add('machine busy', usage.hostPct, '%', 'none');
  log(`  dialog list: p50 ${latency.p(50)?.toFixed(2)} ms, p99 ${latency.p(99)?.toFixed(2)} ms, page of ${page}`);
  return f.result();
}
