/** @module result: what a scenario reports for one target: named figures with a unit and which way is better. */

export type Better = 'higher' | 'lower' | 'none';

export interface Metric {
  name: string;
  value: number | null;
  unit: string;
  better: Better;
}

export interface ScenarioResult {
  metrics: Metric[];
  /** Facts about this run of the scenario (sizes actually reached, scale-downs, failures). */
  notes: string[];
  /** Set when the scenario could not run for this target. */
  error?: string;
}

export class Figures {
  readonly metrics: Metric[] = [];
  readonly notes: string[] = [];

  add(name: string, value: number | null, unit: string, better: Better): this {
    this.metrics.push({ name, value: value === null || Number.isFinite(value) ? value : null, unit, better });
    return this;
  }

  note(text: string): this {
    this.notes.push(text);
    return this;
  }

  result(): ScenarioResult {
    return { metrics: this.metrics, notes: this.notes };
  }
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** CPU of this (driver) process in % of one core since `from` (process.cpuUsage() and performance.now()). */
export function driverCpu(from: { cpu: NodeJS.CpuUsage; at: number }): number {
  const d = process.cpuUsage(from.cpu);
  const secs = (performance.now() - from.at) / 1000;
  return secs > 0 ? ((d.user + d.system) / 1e6 / secs) * 100 : 0;
}

export const driverMark = () => ({ cpu: process.cpuUsage(), at: performance.now() });

/** Counts failures by their message, for the notes: "73 × connect timeout". */
export class ErrorTally {
  private readonly counts = new Map<string, number>();

  add = (err: unknown): void => {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 120);
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  };

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** The most frequent messages, or '' when there was none. */
  summary(top = 3): string {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([m, c]) => `${c} × ${m}`)
      .join('; ');
  }
}
