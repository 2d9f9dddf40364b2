/**
 * @module proc: what a server process costs, read from /proc of its pid (RSS, CPU time), and how busy the whole
 * machine was meanwhile (/proc/stat), to tell a slow server from a crowded machine.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  at: number;
  /** user + system CPU seconds so far */
  cpu: number;
  rssMb: number;
  host: { busy: number; total: number };
}

function host(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: total - idle, total };
}

export function sample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(rest[11]) + Number(rest[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { at: performance.now(), cpu, rssMb: rssKb / 1024, host: host() };
}

export interface Usage {
  /** CPU of the server process over the interval, in % of one core. */
  cpuPct: number;
  rssMb: number;
  peakRssMb: number;
  /** How busy all cores of the machine were, in %. */
  hostPct: number;
}

/** Samples a pid every 250 ms between start() and stop(), for its peak RSS and its CPU over the interval. */
export class Meter {
  private first?: ProcSample;
  private peak = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pid: number) {}

  start(): this {
    this.first = sample(this.pid);
    this.peak = this.first.rssMb;
    this.timer = setInterval(() => {
      try {
        this.peak = Math.max(this.peak, sample(this.pid).rssMb);
      } catch {
        // the process is gone; stop() reports what was seen
      }
    }, 250);
    return this;
  }

  stop(): Usage {
    clearInterval(this.timer);
    const a = this.first!;
    const b = sample(this.pid);
    const secs = (b.at - a.at) / 1000;
    return {
      cpuPct: secs > 0 ? ((b.cpu - a.cpu) / secs) * 100 : 0,
      rssMb: b.rssMb,
      peakRssMb: Math.max(this.peak, b.rssMb),
      hostPct: b.host.total > a.host.total ? ((b.host.busy - a.host.busy) / (b.host.total - a.host.total)) * 100 : 0,
    };
  }
}

/**
 * Waits until the process uses less than `pct`% of a core over a `windowMs` window (it has finished the work a
 * phase left behind), at most `timeoutMs`. Returns the time it stayed busy (whole windows) and whether it was
 * still busy at the timeout.
 */
export async function quiesce(pid: number, timeoutMs: number, pct = 5, windowMs = 500): Promise<{ busyMs: number; timedOut: boolean }> {
  let busyMs = 0;
  let a = sample(pid);
  while (busyMs < timeoutMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const b = sample(pid);
    if (((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100 < pct) return { busyMs, timedOut: false };
    busyMs += b.at - a.at;
    a = b;
  }
  return { busyMs, timedOut: true };
}
