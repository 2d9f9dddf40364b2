/**
 * @module servers: the server processes under test, each spawned apart from the driver and listening on
 * 127.0.0.1: the raw baseline, the socket.io peer, and Parley (PostgreSQL + Redis, or embedded PGlite).
 * Their open-file limit is raised to the hard limit before they start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BENCH_DIST = join(REPO, 'bench/dist');

export type Kind = 'raw' | 'peer' | 'parley-pg' | 'parley-pglite';

export interface ServerProc {
  kind: Kind;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

const logDir = mkdtempSync(join(tmpdir(), 'parley-bench-logs-'));

/** Removes the servers' logs (a failure has printed their tails already). */
export function removeLogs(): void {
  rmSync(logDir, { recursive: true, force: true });
}

/** Node options for the servers only, from BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them). */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/** Starts `script` with `env` under `sh -c 'ulimit -n <hard>; exec node ...'` and waits for `healthPath`. */
export async function startProcess(kind: Kind, script: string, env: Record<string, string>, healthPath: string): Promise<ServerProc> {
  const port = await freePort();
  const logFile = join(logDir, `${kind}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    'sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...nodeArgs, script],
    {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited: number | null = null;
  const gone = new Promise<void>((r) =>
    child.once('exit', (code) => {
      exited = code ?? -1;
      r();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 90_000;
  for (;;) {
    if (exited !== null) throw new Error(`${kind} exited with ${exited} while starting:\n${tail(logFile)}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not become healthy in 90 s:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(url + healthPath);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    kind,
    url,
    pid: child.pid!,
    logFile,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function startBaseline(kind: 'raw' | 'peer', databaseUrl: string, schema: string): Promise<ServerProc> {
  const script = join(BENCH_DIST, 'baselines', kind === 'raw' ? 'raw.js' : 'socketio.js');
  return startProcess(kind, script, { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema }, '/health');
}

export interface ParleyEnv {
  adminToken: string;
  signingKey: string;
  dataDir: string;
  /** PostgreSQL + Redis; omitted: the embedded default. */
  postgres?: { url: string; schema: string; redisUrl: string; redisPrefix: string };
  /** More settings (the webhook scenario's WEBHOOK_URL). */
  extra?: Record<string, string>;
}

export function startParley(kind: 'parley-pg' | 'parley-pglite', p: ParleyEnv): Promise<ServerProc> {
  const env: Record<string, string> = {
    DATA_DIR: p.dataDir,
    ADMIN_API_TOKEN: p.adminToken,
    PARLEY_SIGNING_KEY: p.signingKey,
    TOKEN_MAX_TTL_SECS: String(24 * 3600),
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
  if (p.postgres) {
    Object.assign(env, {
      DATABASE_URL: p.postgres.url,
      DATABASE_SCHEMA: p.postgres.schema,
      DATABASE_MIN_CONNECTIONS: '2',
      REDIS_URL: p.postgres.redisUrl,
      REDIS_PREFIX: p.postgres.redisPrefix,
    });
  }
  Object.assign(env, p.extra ?? {});
  return startProcess(kind, join(REPO, 'packages/server/dist/main.js'), env, '/health/ready');
}
