/**
 * Parley as an operator runs it: `node packages/server/dist/main.js` in a child process (`npm test` builds it
 * first), on a test DATA_DIR or schema, so a test can send it signals (SIGTERM for a graceful shutdown, SIGKILL
 * for a crash) and start it again on the same data. Its JSON log is collected; the address comes from Fastify's "Server listening" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Api } from './api.js';
import { seedEmbedded, testEnv } from './server.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ChildServer {
  url: string;
  admin: Api;
  process: ChildProcess;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** The environment of one deployment: fixed admin token and signing key, so restarts keep tokens valid. */
export function childEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return testEnv({
    ADMIN_API_TOKEN: randomBytes(24).toString('base64url'),
    PARLEY_SIGNING_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'info',
    ...overrides,
  });
}

export async function startChild(env: Record<string, string | undefined>): Promise<ChildServer> {
  await seedEmbedded(env);
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg ?? ''));
          if (m) resolve(m[1]!);
        } catch {
          // not a log line (the admin token banner is never printed: ADMIN_API_TOKEN is set)
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    void exited.then((code) => reject(new Error(`parley exited (${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  return { url, admin: new Api(url, { authorization: `Bearer ${env.ADMIN_API_TOKEN}` }), process: child, logs, exited };
}
