/**
 * @module scenarios/search: message search for a user who takes part in thousands of dialogs, in the seeded
 * database of about a million messages: a rare word, a common word and a phrase (seed.ts SEARCH_TERMS), newest
 * first and by relevance, sequential requests for the first page of 20.
 */
import { Meter } from '../proc.js';
import { Figures, type ScenarioResult } from '../result.js';
import { Samples } from '../stats.js';
import { LISTER, SEARCH_TERMS } from '../seed.js';
import type { Target } from '../targets.js';

export interface SearchPlan {
  warmup: number;
  requests: number;
}

const QUERIES: [string, string][] = [
  ['rare word', SEARCH_TERMS.rare],
  ['common word', SEARCH_TERMS.common],
  ['phrase', SEARCH_TERMS.phrase],
];

/** `indexBytes`: the size of the GIN index, when the driver could read it. */
export async function search(t: Target, plan: SearchPlan, log: (s: string) => void, indexBytes?: number): Promise<ScenarioResult> {
  const run = t.search?.bind(t);
  if (!run) throw new Error('this target has no message search');
  const f = new Figures();
  await t.prepare([LISTER]);
  const meter = new Meter(t.server.pid).start();
  let errors = 0;
  for (const order of ['newest', 'relevance'] as const) {
    for (const [label, q] of QUERIES) {
      let hits = 0;
      for (let i = 0; i < plan.warmup; i++) hits = await run(LISTER, q, order);
      const latency = new Samples();
      for (let i = 0; i < plan.requests; i++) {
        const t1 = performance.now();
        try {
          hits = await run(LISTER, q, order);
          latency.add(performance.now() - t1);
        } catch {
          errors++;
        }
      }
      f.add(`${label} ${q}, ${order}: p50`, latency.p(50), 'ms', 'lower')
        .add(`${label} ${q}, ${order}: p99`, latency.p(99), 'ms', 'lower')
        .add(`${label} ${q}, ${order}: hits on the page`, hits, '', 'none');
      log(`  ${label} ${q} (${order}): p50 ${latency.p(50)?.toFixed(2)} ms, p99 ${latency.p(99)?.toFixed(2)} ms, ${hits} hits`);
    }
  }
  const usage = meter.stop();
  if (indexBytes !== undefined) f.add('search index (GIN) size', indexBytes / 2 ** 20, 'MB', 'lower');
  f.add('server CPU', usage.cpuPct, '%', 'lower').add('errors', errors, '', 'lower').add('machine busy', usage.hostPct, '%', 'none');
  return f.result();
}
