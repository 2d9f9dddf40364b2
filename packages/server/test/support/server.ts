/**
 * Starts a real Parley server on an ephemeral port for a test file: PGlite in a fresh DATA_DIR by default, or a
 * fresh schema of DATABASE_URL's PostgreSQL when the project runs the postgres backend.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/db/index.js';
import { buildApp, loadConfig, type BuiltApp } from '../../src/app.js';
import { Api } from './api.js';
import type { Clock } from '../../src/clock.js';

export interface TestServer {
  url: string;
  built: BuiltApp;
  adminToken: string;
  dataDir: string;
  schema?: string;
  /** Management API client with the admin token. */
  admin: Api;
  /** A Chat API client for a user, with a freshly minted token (scope optional). */
  user(userId: string, scope?: Record<string, unknown>): Promise<Api>;
  /** An unauthenticated client. */
  anon(): Api;
  close(): Promise<void>;
}

export const backend = process.env.PARLEY_TEST_BACKEND === 'postgres' ? 'postgres' : 'embedded';

export function freshSchema(): string {
  return `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The environment a test server gets for this backend, plus overrides. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  // Rate limits are on by default in production; tests that exercise them turn them back on.
  const env: Record<string, string | undefined> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMIT_ENABLED: 'false',
  };
  if (backend === 'postgres') {
    env.DATABASE_URL = process.env.DATABASE_URL;
    env.DATABASE_SCHEMA = freshSchema();
    env.DATABASE_MAX_CONNECTIONS = '5';
    env.DATABASE_MIN_CONNECTIONS = '0';
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  }
  const merged = { ...env, ...overrides };
  // Redis keys and channels follow the schema: instances of one test share them, other tests never do.
  if (merged.REDIS_URL && overrides.REDIS_PREFIX === undefined) merged.REDIS_PREFIX = merged.DATABASE_SCHEMA ?? 'parley';
  return merged;
}

let template: Promise<string> | undefined;

/**
 * A migrated, empty PGlite data directory made once per test worker. Creating a PGlite cluster takes seconds;
 * copying this one takes a fraction of that, and it is exactly what a first start would produce.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-template-'));
    const db = await openDatabase(loadConfig({ DATA_DIR: dir }));
    await db.close();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'pglite');
  })();
  return template;
}

/** Seeds a new embedded server's DATA_DIR from the template (never one that already holds a database). */
export async function seedEmbedded(env: Record<string, string | undefined>): Promise<void> {
  if (env.DATABASE_URL || !env.DATA_DIR) return;
  const target = join(env.DATA_DIR, 'pglite');
  if (existsSync(target)) return;
  cpSync(await pgliteTemplate(), target, { recursive: true });
}

/** `clock`, when given, is the server's clock (time and timers) instead of the real one. `logLines`, when given, receives every log line the server writes (set LOG_LEVEL in `overrides`). */
export async function startServer(
  overrides: Record<string, string | undefined> = {},
  opts: { logLines?: string[]; clock?: Clock } = {},
): Promise<TestServer> {
  const env = testEnv(overrides);
  await seedEmbedded(env);
  const config = loadConfig(env);
  const lines = opts.logLines;
  const built = await buildApp(config, {
    ...(lines ? { logStream: { write: (line: string) => void lines.push(line) } } : { logger: false }),
    clock: opts.clock,
  });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const address = built.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const adminToken = built.services.adminToken;
  const admin = new Api(url, { authorization: `Bearer ${adminToken}` });
  return {
    url,
    built,
    adminToken,
    dataDir: config.dataDir,
    schema: config.database.schema,
    admin,
    async user(userId, scope) {
      const res = await admin.post('/api/v1/management/tokens', { user_id: userId, ...(scope ? { scope } : {}) });
      if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${JSON.stringify(res.body)}`);
      return new Api(url, { authorization: `Bearer ${(res.body as { data: { token: string } }).data.token}` });
    },
    anon: () => new Api(url, {}),
    async close() {
      await built.close();
      await dropSchema(config.database.url, config.database.schema);
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(url: string | undefined, schema: string | undefined): Promise<void> {
  if (!url || !schema) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
