/** Test projects: every server test runs on the embedded default, and on PostgreSQL (+ Redis) when DATABASE_URL is set. */
import { defineConfig } from 'vitest/config';

const shared = {
  include: ['packages/*/test/**/*.test.ts'],
  exclude: ['**/node_modules/**', '**/dist/**'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

// `*.cluster.test.ts` runs several instances on one database: PostgreSQL only (PGlite belongs to one process).
const embeddedExclude = [...shared.exclude, '**/*.cluster.test.ts'];
const projects = [{ test: { ...shared, exclude: embeddedExclude, name: 'embedded', env: { PARLEY_TEST_BACKEND: 'embedded' } } }];
if (process.env.DATABASE_URL) {
  projects.push({ test: { ...shared, name: 'postgres', env: { PARLEY_TEST_BACKEND: 'postgres' } } });
}

export default defineConfig({
  test: {
    projects,
    maxWorkers: 2,
  },
});
