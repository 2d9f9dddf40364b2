/** @module machine: what the results were measured on: CPU, cores, memory, kernel, Node, PostgreSQL, Redis, limits. */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import pg from 'pg';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  freeMemoryGb: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
  pglite: string;
  fdSoft: number;
  fdHard: number;
  loadAverage: string;
  commit: string;
}

/** The open-file limits of this process, from /proc/self/limits. */
export function fdLimits(): { soft: number; hard: number } {
  const line =
    readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files')) ?? '';
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
  const num = (v: string | undefined) => (v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v) || 1024);
  return { soft: num(soft), hard: num(hard) };
}

function redisVersion(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    let text = '';
    const done = (v: string) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(2000, () => done('unknown'));
    socket.on('error', () => done('unreachable'));
    socket.on('data', (d) => {
      text += d.toString();
      const m = /redis_version:([^\r\n]+)/.exec(text);
      if (m) done(m[1]!);
    });
    socket.write('INFO server\r\n');
  });
}

export async function describeMachine(databaseUrl: string, redisUrl: string, pgliteVersion: string): Promise<Machine> {
  const cpus = os.cpus();
  let postgres = 'unreachable';
  try {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    postgres = ((await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?').split(' ')[0]!;
    await c.end();
  } catch {
    // reported as unreachable
  }
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  const fd = fdLimits();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: os.totalmem() / 2 ** 30,
    freeMemoryGb: os.freemem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    redis: await redisVersion(redisUrl),
    pglite: pgliteVersion,
    fdSoft: fd.soft,
    fdHard: fd.hard,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    commit,
  };
}
