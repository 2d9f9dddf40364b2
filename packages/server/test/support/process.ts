/** The real entry point, spawned as `node packages/server/dist/main.js`, with its output captured. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function run(env: Record<string, string | undefined>): Proc {
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, [MAIN], { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits for the listening line and returns the server's base URL. */
export async function listening(proc: Proc): Promise<string> {
  for (;;) {
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output());
    if (m) return m[1]!;
    const done = await Promise.race([proc.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (done) throw new Error(`server exited early:\n${proc.output()}`);
  }
}

export async function stop(proc: Proc): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exited;
}
