/**
 * Configuration from the environment (MTChat's variable names plus Parley's own), the start-up failure path of
 * the real entry point, and the promise that no secret or token ever reaches the server's output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/app.js';
import { Api } from './support/api.js';
import { dropSchema, testEnv } from './support/server.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const HOST_SECRET = 'config-test-host-secret-8c1f0e2a9b';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('names every bad variable at once, across the rules that join several variables', () => {
    const message = configError({
      JWT_AUTH_ENABLED: 'true',
      CORS_ALLOWED_ORIGINS: 'https://ok.example, not-an-origin',
      WEBHOOK_EVENTS: 'no.such.event',
      ARCHIVE_CRON: 'every tuesday',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
    });
    const named = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(':')[0]);
    expect(named).toEqual([
      'JWT_AUTH_ENABLED',
      'CORS_ALLOWED_ORIGINS',
      'WEBHOOK_EVENTS',
      'S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET',
      'ARCHIVE_CRON',
    ]);
  });

  it('has MTChat-compatible defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe('./data');
    expect(c.database.url).toBeUndefined();
    expect(c.database).toMatchObject({
      maxConnections: 20,
      minConnections: 5,
      acquireTimeoutMs: 30_000,
      idleTimeoutMs: 600_000,
      maxLifetimeSecs: 1800,
    });
    expect(c.auth).toMatchObject({ adminToken: undefined, mode: 'token', hostSecrets: [], userIdClaim: 'sub' });
    expect(c.cors).toEqual({
      origins: '*',
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      headers: '*',
      credentials: false,
      maxAge: 3600,
    });
    expect(c.bodyLimit).toBe(2 * 1024 * 1024);
  });

  it("reads MTChat's variable names", () => {
    const c = loadConfig({
      PORT: '9090',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/parley',
      DATABASE_URL: 'postgres://u:p@db.example:5432/chat',
      DATABASE_MAX_CONNECTIONS: '7',
      DATABASE_MIN_CONNECTIONS: '2',
      DATABASE_ACQUIRE_TIMEOUT_SECS: '3',
      DATABASE_IDLE_TIMEOUT_SECS: '60',
      DATABASE_MAX_LIFETIME_SECS: '120',
      ADMIN_API_TOKEN: 'a-long-enough-admin-token',
      JWT_USER_ID_CLAIM: 'uid',
      CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      CORS_ALLOWED_METHODS: 'GET,POST',
      CORS_ALLOWED_HEADERS: 'authorization,content-type',
      CORS_ALLOW_CREDENTIALS: 'true',
      CORS_MAX_AGE: '60',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      dataDir: '/var/lib/parley',
      redisUrl: 'redis://127.0.0.1:6379',
      database: {
        url: 'postgres://u:p@db.example:5432/chat',
        maxConnections: 7,
        minConnections: 2,
        acquireTimeoutMs: 3000,
        idleTimeoutMs: 60_000,
        maxLifetimeSecs: 120,
      },
      auth: { adminToken: 'a-long-enough-admin-token', userIdClaim: 'uid' },
      cors: {
        origins: ['https://a.example', 'https://b.example:8443'],
        methods: ['GET', 'POST'],
        headers: ['authorization', 'content-type'],
        credentials: true,
        maxAge: 60,
      },
    });
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ PORT: '', ADMIN_API_TOKEN: '', DATABASE_URL: '', HOST: ' ' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.auth.adminToken).toBeUndefined();
    expect(c.database.url).toBeUndefined();
  });

  const bad: [string, Record<string, string>][] = [
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'notaurl' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db.example/chat' }],
    ['DATABASE_MAX_CONNECTIONS', { DATABASE_MAX_CONNECTIONS: '0' }],
    ['ADMIN_API_TOKEN', { ADMIN_API_TOKEN: 'short' }],
    ['CORS_ALLOWED_ORIGINS', { CORS_ALLOWED_ORIGINS: 'not an origin' }],
    ['CORS_ALLOWED_ORIGINS', { CORS_ALLOWED_ORIGINS: 'https://app.example/path' }],
    ['CORS_ALLOW_CREDENTIALS', { CORS_ALLOW_CREDENTIALS: 'true' }],
    ['CORS_ALLOW_CREDENTIALS', { CORS_ALLOW_CREDENTIALS: 'true', CORS_ALLOWED_ORIGINS: 'https://a.example', CORS_ALLOWED_HEADERS: '*' }],
    ['CORS_ALLOW_CREDENTIALS', { CORS_ALLOW_CREDENTIALS: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['JWT_AUTH_ENABLED', { JWT_AUTH_ENABLED: 'yes' }],
    ['JWT_AUTH_ENABLED', { JWT_AUTH_ENABLED: 'true' }],
    ['REDIS_URL', { REDIS_URL: 'http://cache.example' }],
    ['TOKEN_MAX_TTL_SECS', { TOKEN_MAX_TTL_SECS: '0' }],
    ['BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: 'lots' }],
  ];
  for (const [name, env] of bad) {
    it(`names ${name} when ${JSON.stringify(env)}`, () => {
      expect(configError(env)).toContain(name);
    });
  }

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'abc', DATABASE_URL: 'notaurl', ADMIN_API_TOKEN: 'x' });
    for (const name of ['PORT', 'DATABASE_URL', 'ADMIN_API_TOKEN']) expect(message).toContain(name);
  });

  it('names a variable that does not parse together with the ones that break a rule across variables', () => {
    const message = configError({ PORT: 'abc', CORS_ALLOWED_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true', ARCHIVE_CRON: 'every tuesday' });
    const named = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(':')[0]);
    expect(named).toEqual(['PORT', 'CORS_ALLOW_CREDENTIALS', 'ARCHIVE_CRON']);
  });

  it('never echoes a secret value in the message', () => {
    expect(configError({ ADMIN_API_TOKEN: 'sekrit' })).not.toContain('sekrit');
    expect(configError({ JWT_SECRET: 'tiny-secret' })).not.toContain('tiny-secret');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real entry point, spawned as `node packages/server/dist/main.js`.

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string | undefined>): Proc {
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
async function listening(proc: Proc): Promise<string> {
  for (;;) {
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output());
    if (m) return m[1]!;
    const done = await Promise.race([proc.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (done) throw new Error(`server exited early:\n${proc.output()}`);
  }
}

async function stop(proc: Proc): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exited;
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
const STACK = /\n\s+at |\.ts:\d|\.js:\d/;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

function freshEnv(overrides: Record<string, string | undefined> = {}) {
  const base = testEnv({ LOG_LEVEL: 'info' });
  cleanups.push(async () => {
    await dropSchema(base.DATABASE_URL, base.DATABASE_SCHEMA);
    rmSync(base.DATA_DIR!, { recursive: true, force: true });
  });
  return { ...base, ...overrides };
}

describe('node dist/main.js', () => {
  for (const [name, value] of [
    ['PORT', 'abc'],
    ['DATABASE_URL', 'notaurl'],
    ['ADMIN_API_TOKEN', 'short'],
    ['CORS_ALLOWED_ORIGINS', 'nope nope'],
  ] as const) {
    it(`exits non-zero naming ${name}, without a stack trace`, async () => {
      const proc = run(freshEnv({ [name]: value }));
      const code = await proc.exited;
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(proc.output()).toContain(name);
      expect(proc.output()).not.toMatch(STACK);
    });
  }

  it('exits non-zero without a stack trace when the database cannot be reached', async () => {
    const proc = run(
      freshEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATABASE_SCHEMA: undefined, DATABASE_ACQUIRE_TIMEOUT_SECS: '2' }),
    );
    const code = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.output()).toContain('Parley failed to start');
    expect(proc.output()).not.toMatch(STACK);
  });

  it('prints a generated admin token once, on the first start only, and never logs a token or secret', async () => {
    const env = freshEnv({ LOG_LEVEL: 'debug', JWT_SECRET: HOST_SECRET, ADMIN_API_TOKEN: undefined });
    const first = run(env);
    let minted: string;
    let hostJwt: string;
    const wrongAdmin = 'Bearer not-the-admin-token-5f3a9c';
    try {
      const url = await listening(first);
      const adminToken = readFileSync(`${env.DATA_DIR}/admin-token`, 'utf8').trim();
      expect(count(first.output(), adminToken)).toBe(1);

      const admin = new Api(url, { authorization: `Bearer ${adminToken}` });
      const created = await admin.post('/api/v1/management/dialogs', {
        object_id: 'log-1',
        object_type: 'order',
        participants: [{ user_id: 'logger', display_name: 'L' }],
      });
      expect(created.status, created.text).toBe(200);
      const mintRes = await admin.post('/api/v1/management/tokens', { user_id: 'logger' });
      minted = mintRes.body.data.token;
      hostJwt = await new SignJWT({ sub: 'logger' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HOST_SECRET));
      const user = new Api(url, { authorization: `Bearer ${minted}` });
      expect((await user.get('/api/v1/dialogs')).status).toBe(200);
      expect((await user.get('/api/v1/dialogs?user_id=someone-else')).status).toBe(403);
      expect((await new Api(url, { authorization: `Bearer ${hostJwt}` }).get('/api/v1/dialogs')).status).toBe(200);
      await new Api(url, {}).get(`/api/v1/dialogs?token=${minted}`);
      await new Api(url, {}).get(`/api/v1/ws?token=${minted}`);
      // The parameter name percent-encoded or cased differently is still `token` to the server (issue #16 item 9).
      await new Api(url, {}).get(`/api/v1/ws?%74oken=${minted}`);
      await new Api(url, {}).get(`/api/v1/events?a=1&%54OKEN=${minted}&b=2`);
      await new Api(url, {}).get(`/api/v1/dialogs?access%5Ftoken=${hostJwt}`);
      await new Api(url, {}).get(`/api/v1/dialogs/${created.body.data.id}?user_id=logger&token=${hostJwt}`);
      expect((await new Api(url, { authorization: wrongAdmin }).get(`/api/v1/management/dialogs/${created.body.data.id}`)).status).toBe(
        403,
      );
      await new Api(url, { authorization: `Bearer ${minted}x` }).get('/api/v1/dialogs');
    } finally {
      await stop(first);
    }
    const firstOutput = first.output();
    const adminToken = readFileSync(`${env.DATA_DIR}/admin-token`, 'utf8').trim();
    expect(firstOutput).toContain('incoming request');
    expect(firstOutput).toContain('token=[Redacted]');
    expect(count(firstOutput, adminToken)).toBe(1);
    expect(count(firstOutput, minted)).toBe(0);
    expect(count(firstOutput, hostJwt)).toBe(0);
    expect(count(firstOutput, HOST_SECRET)).toBe(0);
    expect(count(firstOutput, wrongAdmin.slice(7))).toBe(0);

    const second = run(env);
    try {
      const url = await listening(second);
      const admin = new Api(url, { authorization: `Bearer ${adminToken}` });
      expect((await admin.post('/api/v1/management/dialogs/search', { object_id: 'log-1', object_type: 'order' })).status).toBe(200);
      const again = await admin.post('/api/v1/management/tokens', { user_id: 'logger' });
      await new Api(url, { authorization: `Bearer ${again.body.data.token}` }).get('/api/v1/dialogs');
      minted = again.body.data.token;
    } finally {
      await stop(second);
    }
    expect(second.output()).toContain('incoming request');
    expect(count(second.output(), adminToken)).toBe(0);
    expect(count(second.output(), minted)).toBe(0);
  }, 90_000); // two starts of the real process, each migrating a fresh database: slow on a loaded two-core machine
});
