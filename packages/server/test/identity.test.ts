/**
 * Who is calling the Chat API: Parley-minted tokens, host-signed JWTs (HS256 only), the user_id query parameter
 * (refused when it disagrees with a token; trusted only in the explicit legacy mode), and the configuration rules.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/app.js';
import { Api } from './support/api.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

const SECRET_A = 'host-secret-number-one-0123456789';
const SECRET_B = 'host-secret-number-two-9876543210';
const enc = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);

let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

const bearer = (server: TestServer, token: string) => new Api(server.url, { authorization: `Bearer ${token}` });

async function mint(server: TestServer, body: Record<string, unknown>) {
  return server.admin.post('/api/v1/management/tokens', body);
}

/** The ids of the dialogs the caller takes part in: proves whom the server took the caller for. */
async function participating(api: Api, query = ''): Promise<string[]> {
  const res = await api.get(`/api/v1/dialogs${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.data.map((d: { id: string }) => d.id);
}

async function hostToken(secret: string, claims: Record<string, unknown>, alg = 'HS256') {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(enc(secret));
}

let server: TestServer;
let host: TestServer;
let legacy: TestServer;

beforeAll(async () => {
  [server, host, legacy] = await Promise.all([
    startServer(),
    startServer({ JWT_SECRETS: `${SECRET_A}, ${SECRET_B}` }),
    startServer({ JWT_AUTH_ENABLED: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), host?.close(), legacy?.close()]);
});

describe('minted tokens', () => {
  it('POST /management/tokens returns {"data":{"token","expires_at"}} bounded by TOKEN_MAX_TTL_SECS', async () => {
    const before = Date.now();
    const res = await mint(server, { user_id: 'minted-user' });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(Object.keys(res.body.data)).toEqual(['token', 'expires_at']);
    expect(res.body.data.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const expires = Date.parse(res.body.data.expires_at);
    // Default ttl is the maximum, 900 s; the window is generous, this is not a timing assertion.
    expect(expires).toBeGreaterThan(before + 800_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 901_000);

    const short = await mint(server, { user_id: 'minted-user', ttl_seconds: 60 });
    expect(Date.parse(short.body.data.expires_at)).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  it('are signed with a key generated into DATA_DIR/signing-keys.json (mode 0600)', async () => {
    const file = join(server.dataDir, 'signing-keys.json');
    expect(existsSync(file)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const { token } = (await mint(server, { user_id: 'key-check' })).body.data;
    const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
    expect(readFileSync(file, 'utf8')).toContain(kid);
  });

  it('identifies the token subject', async () => {
    const userId = uniq('m');
    const d = await createDialog(server, { participants: [person(userId)] });
    const res = await mint(server, { user_id: userId });
    expect(await participating(bearer(server, res.body.data.token))).toEqual([d.id]);
  });

  it('refuses a ttl above TOKEN_MAX_TTL_SECS and malformed requests with 400 INVALID_INPUT', async () => {
    const over = await mint(server, { user_id: 'u', ttl_seconds: 901 });
    expectError(over, 400, 'INVALID_INPUT');
    for (const body of [
      { user_id: 'u', ttl_seconds: 0 },
      { user_id: 'u', ttl_seconds: -5 },
      { user_id: 'u', ttl_seconds: 1.5 },
      { user_id: 'u', ttl_seconds: '60' },
      {},
      { user_id: '' },
      { user_id: 'u'.repeat(256) },
      { user_id: 'u', scope: { scope_level0: 'a' } },
    ]) {
      expectError(await mint(server, body), 400, 'INVALID_INPUT');
    }
  });

  it('honours a lower TOKEN_MAX_TTL_SECS', async () => {
    const small = await startServer({ TOKEN_MAX_TTL_SECS: '120' });
    try {
      expectError(await mint(small, { user_id: 'u', ttl_seconds: 121 }), 400, 'INVALID_INPUT');
      const ok = await mint(small, { user_id: 'u' });
      expect(Date.parse(ok.body.data.expires_at)).toBeLessThanOrEqual(Date.now() + 121_000);
    } finally {
      await small.close();
    }
  });

  // An expired minted token (401 TOKEN_EXPIRED) is tested on the injected clock: clock-tokens.test.ts.

  it('a tampered, truncated, foreign-key or garbage token answers 401 UNAUTHORIZED', async () => {
    const { token } = (await mint(server, { user_id: 'victim' })).body.data;
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const foreignKey = await new SignJWT({ ...payload, sub: 'admin' })
      .setProtectedHeader(header)
      .sign(enc('not-the-server-key-0123456789abcdef'));
    const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
    for (const bad of [`${h}.${forgedPayload}.${s}`, `${h}.${p}.${flipped}`, `${h}.${p}`, `${h}.${p}.`, foreignKey, 'garbage', 'a.b.c']) {
      const res = await bearer(server, bad).get('/api/v1/dialogs');
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  it('needs the "Bearer " scheme on the Chat API', async () => {
    const { token } = (await mint(server, { user_id: 'scheme' })).body.data;
    for (const header of [`Basic ${token}`, `bearer ${token}`, token, 'Bearer ', 'Bearer']) {
      expectError(await server.anon().with({ authorization: header }).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    }
  });

  it("a token's scope overrides X-Scope-Config", async () => {
    const object_id = uniq('scoped');
    const a = await createDialog(server, { object_id, participants: [person('owner-a')], access_scopes: [{ scope_level0: ['tenant-a'] }] });
    const b = await createDialog(server, { object_id, participants: [person('owner-b')], access_scopes: [{ scope_level0: ['tenant-b'] }] });
    const viewer = await server.user(uniq('viewer'), { scope_level0: ['tenant-a'] });
    const withB = viewer.withScope({ scope_level0: ['tenant-b'] });

    const available = await participating(withB, '?type=available');
    expect(available).toContain(a.id);
    expect(available).not.toContain(b.id);
    // No header at all: the token's scope still applies.
    expect(await participating(viewer, '?type=available')).toContain(a.id);

    expectError(await withB.get(`/api/v1/dialogs/${b.id}`), 404, 'DIALOG_NOT_FOUND');
    expect((await withB.get(`/api/v1/dialogs/${a.id}`)).body.data).toMatchObject({ id: a.id, can_join: true });
    const byObject = await withB.get(`/api/v1/dialogs/by-object/order/${object_id}/list`);
    expect(byObject.body.data.map((d: { id: string }) => d.id)).toEqual([a.id]);
  });

  it('a token scope may use tenant_uid as the level-0 name', async () => {
    const d = await createDialog(server, { participants: [person('o')], access_scopes: [{ scope_level0: ['tenant-uid-x'] }] });
    const viewer = await server.user(uniq('viewer'), { tenant_uid: 'tenant-uid-x' });
    expect(await participating(viewer, '?type=available')).toContain(d.id);
  });
});

describe('host-signed JWTs', () => {
  it('are accepted when signed with any of JWT_SECRETS; the user comes from the sub claim', async () => {
    const userId = uniq('host-user');
    const d = await createDialog(host, { participants: [person(userId)] });
    for (const secret of [SECRET_A, SECRET_B]) {
      const token = await hostToken(secret, { sub: userId, exp: now() + 600 });
      expect(await participating(bearer(host, token))).toEqual([d.id]);
    }
    // exp is optional, as in MTChat.
    expect(await participating(bearer(host, await hostToken(SECRET_A, { sub: userId })))).toEqual([d.id]);
  });

  it('still accept Parley-minted tokens', async () => {
    const userId = uniq('both');
    const d = await createDialog(host, { participants: [person(userId)] });
    expect(await participating(await host.user(userId))).toEqual([d.id]);
  });

  it('refuse an unknown secret, alg none, HS384 and RS256 with 401', async () => {
    const claims = { sub: 'intruder', exp: now() + 600 };
    const { privateKey } = await generateKeyPair('RS256');
    const tokens = [
      await hostToken('some-other-secret-0123456789abcdef', claims),
      new UnsecuredJWT(claims).encode(),
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
      await hostToken(SECRET_A, claims, 'HS384'),
      await hostToken(SECRET_A, claims, 'HS512'),
      await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(privateKey),
    ];
    for (const token of tokens) expectError(await bearer(host, token).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('enforce exp (401 TOKEN_EXPIRED) and nbf (401)', async () => {
    expectError(
      await bearer(host, await hostToken(SECRET_B, { sub: 'late', exp: now() - 120 })).get('/api/v1/dialogs'),
      401,
      'TOKEN_EXPIRED',
    );
    expectError(
      await bearer(host, await hostToken(SECRET_B, { sub: 'early', nbf: now() + 3600 })).get('/api/v1/dialogs'),
      401,
      'UNAUTHORIZED',
    );
  });

  it('need the user claim: missing, empty or of another type answers 401', async () => {
    for (const claims of [{ exp: now() + 600 }, { sub: '' }, { sub: { id: 'x' } }, { sub: ['x'] }, { sub: true }]) {
      expectError(await bearer(host, await hostToken(SECRET_A, claims)).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    }
  });

  it('are not accepted by a server without host secrets', async () => {
    const token = await hostToken(SECRET_A, { sub: 'someone' });
    expectError(await bearer(server, token).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('JWT_SECRET and JWT_USER_ID_CLAIM: a string or a numeric claim names the user', async () => {
    const custom = await startServer({ JWT_AUTH_ENABLED: 'true', JWT_SECRET: SECRET_A, JWT_USER_ID_CLAIM: 'uid' });
    try {
      const d = await createDialog(custom, { participants: [person('42'), person('named')] });
      expect(await participating(bearer(custom, await hostToken(SECRET_A, { uid: 42, sub: 'ignored' })))).toEqual([d.id]);
      expect(await participating(bearer(custom, await hostToken(SECRET_A, { uid: 'named' })))).toEqual([d.id]);
      expect(await participating(bearer(custom, await hostToken(SECRET_A, { uid: 'nobody' })))).toEqual([]);
      expectError(await bearer(custom, await hostToken(SECRET_A, { sub: 'named' })).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
      expectError(await bearer(custom, await hostToken(SECRET_B, { uid: 'named' })).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    } finally {
      await custom.close();
    }
  });
});

describe('the user_id query parameter next to a token', () => {
  it('is refused with 403 FORBIDDEN when it disagrees, and fine when it agrees', async () => {
    const userId = uniq('q');
    const d = await createDialog(server, { participants: [person(userId)] });
    const api = await server.user(userId);
    expectError(await api.get('/api/v1/dialogs?user_id=someone-else'), 403, 'FORBIDDEN');
    expectError(await api.get('/api/v1/dialogs?sender_id=someone-else'), 403, 'FORBIDDEN');
    expectError(await api.get(`/api/v1/dialogs/${d.id}/messages?user_id=someone-else`), 403, 'FORBIDDEN');
    expect(await participating(api, `?user_id=${encodeURIComponent(userId)}`)).toEqual([d.id]);
  });

  it('is refused for host JWTs too', async () => {
    const token = await hostToken(SECRET_A, { sub: 'h1' });
    expectError(await bearer(host, token).get('/api/v1/dialogs?user_id=h2'), 403, 'FORBIDDEN');
    expect((await bearer(host, token).get('/api/v1/dialogs?user_id=h1')).status).toBe(200);
  });
});

describe('modes', () => {
  it('with nothing configured, no token means 401 even with ?user_id=', async () => {
    const userId = uniq('nobody');
    await createDialog(server, { participants: [person(userId)] });
    for (const path of ['/api/v1/dialogs', `/api/v1/dialogs?user_id=${userId}`, `/api/v1/dialogs?sender_id=${userId}`]) {
      const res = await server.anon().get(path);
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  it('JWT_AUTH_ENABLED=false trusts ?user_id= (legacy MTChat mode)', async () => {
    const userId = uniq('legacy');
    const d = await createDialog(legacy, { participants: [person(userId)] });
    expect(await participating(legacy.anon(), `?user_id=${encodeURIComponent(userId)}`)).toEqual([d.id]);
    expect(await participating(legacy.anon(), `?sender_id=${encodeURIComponent(userId)}`)).toEqual([d.id]);
    // The first of user_id / sender_id wins.
    expect(await participating(legacy.anon(), `?sender_id=${encodeURIComponent(userId)}&user_id=other`)).toEqual([d.id]);
  });

  it('legacy mode does not turn + into a space, but does percent-decode', async () => {
    const plus = await createDialog(legacy, { participants: [person('a+b')] });
    const space = await createDialog(legacy, { participants: [person('a b')] });
    expect(await participating(legacy.anon(), '?user_id=a+b')).toEqual([plus.id]);
    expect(await participating(legacy.anon(), '?user_id=a%2Bb')).toEqual([plus.id]);
    expect(await participating(legacy.anon(), '?user_id=a%20b')).toEqual([space.id]);
  });

  it('legacy mode answers 400 BAD_REQUEST for a missing or empty user_id', async () => {
    const missing = await legacy.anon().get('/api/v1/dialogs');
    expectError(missing, 400, 'BAD_REQUEST');
    expect(missing.body.error.message).toBe('user_id query parameter required');
    const empty = await legacy.anon().get('/api/v1/dialogs?user_id=');
    expectError(empty, 400, 'BAD_REQUEST');
    expect(empty.body.error.message).toBe('user_id cannot be empty');
    expectError(await legacy.anon().get('/api/v1/dialogs?user_id'), 400, 'BAD_REQUEST');
  });

  it('legacy mode still accepts minted tokens, and refuses a disagreeing user_id next to one', async () => {
    const userId = uniq('legacy-token');
    const d = await createDialog(legacy, { participants: [person(userId)] });
    const api = await legacy.user(userId);
    expect(await participating(api)).toEqual([d.id]);
    expectError(await api.get('/api/v1/dialogs?user_id=someone-else'), 403, 'FORBIDDEN');
    expectError(await bearer(legacy, 'garbage').get(`/api/v1/dialogs?user_id=${userId}`), 401, 'UNAUTHORIZED');
  });

  it('JWT_AUTH_ENABLED=true without a secret stops loadConfig with a ConfigError naming the variable', () => {
    for (const value of ['true', '1']) {
      let caught: unknown;
      try {
        loadConfig({ JWT_AUTH_ENABLED: value, DATA_DIR: '/tmp/unused' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toContain('JWT_AUTH_ENABLED');
    }
    expect(() => loadConfig({ JWT_AUTH_ENABLED: 'true', JWT_SECRETS: ' , ' })).toThrow(/JWT_SECRETS/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ JWT_AUTH_ENABLED: 'true', JWT_SECRET: SECRET_A }).auth).toMatchObject({ mode: 'token', hostSecrets: [SECRET_A] });
    expect(loadConfig({ JWT_SECRETS: `${SECRET_A},,${SECRET_B} ` }).auth.hostSecrets).toEqual([SECRET_A, SECRET_B]);
    expect(loadConfig({}).auth.mode).toBe('token');
    expect(loadConfig({ JWT_AUTH_ENABLED: 'false' }).auth.mode).toBe('legacy');
  });
});
