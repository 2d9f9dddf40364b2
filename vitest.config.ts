/** Test projects: every server test runs on the embedded default, and on PostgreSQL (+ Redis) when DATABASE_URL is set. */
import { defineConfig } from 'vitest/config';

const shared = {
  include: ['packages/*/test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

const projects = [{ test: { ...shared, name: 'embedded', env: { PARLEY_TEST_BACKEND: 'embedded' } } }];
if (process.env.DATABASE_URL) {
  projects.push({ test: { ...shared, name: 'postgres', env: { PARLEY_TEST_BACKEND: 'postgres' } } });
}

export default defineConfig({
  test: {
    projects,
    maxWorkers: 2,
  },
});
