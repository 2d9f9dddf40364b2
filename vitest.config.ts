/**
 * Test projects: every server test runs on the embedded default, and on PostgreSQL (+ Redis) when DATABASE_URL is
 * set — or, when it is not, when a PostgreSQL (and Redis) answers on this machine's standard ports, so a plain
 * `npm test` covers the multi-instance paths wherever the services run. PARLEY_TEST_SERVICES=off turns the probe off.
 */
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const shared = {
  include: ['packages/*/test/**/*.test.ts'],
  exclude: ['**/node_modules/**', '**/dist/**'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

/** Whether something accepts TCP connections at host:port within a short time. */
function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

async function localServices(): Promise<void> {
  if (process.env.DATABASE_URL || process.env.PARLEY_TEST_SERVICES === 'off') return;
  if (!(await listening(5432))) return;
  process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
  if (!process.env.REDIS_URL && (await listening(6379))) process.env.REDIS_URL = 'redis://127.0.0.1:6379';
  console.log(`tests: also on the local PostgreSQL${process.env.REDIS_URL ? ' and Redis' : ''} (PARLEY_TEST_SERVICES=off to skip)`);
}

// Tests import the workspace packages from their sources, never from a possibly stale dist/. Only the tests that
// spawn the built entry point (`node packages/server/dist/main.js`) use dist/, and `npm test` builds it first.
const sources = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig(async () => {
  await localServices();
  // `*.cluster.test.ts` runs several instances on one database: PostgreSQL only (PGlite belongs to one process).
  const embeddedExclude = [...shared.exclude, '**/*.cluster.test.ts'];
  const projects: TestProjectInlineConfiguration[] = [
    { extends: true, test: { ...shared, exclude: embeddedExclude, name: 'embedded', env: { PARLEY_TEST_BACKEND: 'embedded' } } },
  ];
  if (process.env.DATABASE_URL) {
    projects.push({ extends: true, test: { ...shared, name: 'postgres', env: { PARLEY_TEST_BACKEND: 'postgres' } } });
  }
  return {
    resolve: {
      alias: { '@parley/protocol': sources('protocol'), '@parley/client': sources('client'), '@parley/chatkit': sources('chatkit') },
    },
    test: { projects, maxWorkers: 2 },
  };
});
