/**
 * @module report: the results as Markdown: the machine, what was scaled down, then one table per scenario with
 * every figure for every target and Parley's ratio to the raw baseline and to the socket.io peer.
 */
import type { Machine } from './machine.js';
import type { ScenarioResult } from './result.js';
import type { Kind } from './servers.js';

export interface Section {
  title: string;
  what: string;
  results: Map<Kind, ScenarioResult>;
}

export interface Report {
  startedAt: Date;
  minutes: number;
  machine: Machine;
  quick: boolean;
  scaled: string[];
  setup: string[];
  sections: Section[];
}

export const LABELS: Record<Kind, string> = {
  raw: 'raw',
  peer: 'socket.io',
  'parley-pg': 'Parley (PostgreSQL)',
  'parley-pglite': 'Parley (PGlite)',
};

export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Parley's value over the baseline's: `0.50×` means half the baseline's figure. */
export function ratio(parley: number | null | undefined, base: number | null | undefined): string {
  if (parley === null || parley === undefined || base === null || base === undefined) return '—';
  if (base === 0) return parley === 0 ? '=' : '—';
  const r = parley / base;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

const ARROW = { higher: ' ↑', lower: ' ↓', none: '' } as const;

function table(s: Section): string {
  const get = (k: Kind) => s.results.get(k);
  const names: { name: string; unit: string; better: 'higher' | 'lower' | 'none' }[] = [];
  for (const r of s.results.values()) for (const m of r.metrics) if (!names.some((n) => n.name === m.name)) names.push(m);
  const value = (k: Kind, name: string) => get(k)?.metrics.find((m) => m.name === name)?.value;
  const cell = (k: Kind, name: string) => (get(k)?.error ? 'failed' : num(value(k, name)));
  const lines = [
    '| figure | unit | raw | socket.io | Parley (PostgreSQL) | ×raw | ×peer | Parley (PGlite) | ×raw | ×peer |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const n of names) {
    const rel = (k: Kind, base: Kind) => (n.better === 'none' ? '' : ratio(value(k, n.name), value(base, n.name)));
    lines.push(
      `| ${n.name} | ${n.unit}${ARROW[n.better]} | ${cell('raw', n.name)} | ${cell('peer', n.name)} | ${cell('parley-pg', n.name)} | ${rel('parley-pg', 'raw')} | ${rel('parley-pg', 'peer')} | ${cell('parley-pglite', n.name)} | ${rel('parley-pglite', 'raw')} | ${rel('parley-pglite', 'peer')} |`,
    );
  }
  const notes: string[] = [];
  for (const [k, r] of s.results) {
    if (r.error) notes.push(`- ${LABELS[k]}: **failed**: ${r.error.split('\n')[0]}`);
    for (const n of r.notes) notes.push(`- ${LABELS[k]}: ${n}`);
  }
  return [lines.join('\n'), notes.length ? `\n${notes.join('\n')}` : ''].join('\n');
}

export function render(r: Report): string {
  const m = r.machine;
  const out = [
    `# Parley benchmark, ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (quick smoke run: tiny sizes, not for comparison)' : ''}`,
    '',
    'How to read this: [bench/README.md](../README.md). Every figure of a scenario was measured in the same run, one target after another; ' +
      "a ratio is Parley's figure divided by the baseline's (↑ higher is better, ↓ lower is better).",
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${m.cpuModel}, ${m.cores} cores |`,
    `| memory | ${m.memoryGb.toFixed(1)} GB (${m.freeMemoryGb.toFixed(1)} GB free at start) |`,
    `| system | ${m.kernel}, load average at start ${m.loadAverage} |`,
    `| Node.js | ${m.node} |`,
    `| PostgreSQL | ${m.postgres} (server on 127.0.0.1, shared with other work) |`,
    `| PGlite | ${m.pglite} |`,
    `| Redis | ${m.redis} |`,
    `| open files | ${m.fdSoft} (hard ${m.fdHard}) |`,
    `| commit | ${m.commit} |`,
    `| duration | ${r.minutes.toFixed(1)} min |`,
    '',
    '## Sizes',
    '',
    ...(r.scaled.length
      ? r.scaled.map((s) => `- **scaled down**: ${s}`)
      : [r.quick ? '- quick smoke-run sizes (--quick)' : '- full sizes, nothing scaled down']),
    ...r.setup.map((s) => `- ${s}`),
  ];
  for (const s of r.sections) out.push('', `## ${s.title}`, '', s.what, '', table(s));
  return out.join('\n') + '\n';
}
