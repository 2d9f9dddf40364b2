/**
 * Token attacks against the Chat API: alg none, HS/RS confusion, expiry, wrong audience or issuer, tampering,
 * another user's id in the query, and the key families (minted HS256 with key ids and rotation, host JWKS RS256/ES256).
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { Api } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';

const ISS = 'https://host.example';
const AUD = 'parley';

let jwks: Server;
let jwksUrl: string;
let rsa: CryptoKeyPair;
let ec: CryptoKeyPair;
let server: TestServer;
let dialogId: string;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function hostJwt(key: CryptoKey | Uint8Array, alg: string, kid: string, claims: Record<string, unknown> = {}, sub = 'alice') {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg, kid })
    .setSubject(sub)
    .setIssuer(ISS)
    .setAudience(AUD)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

function as(token: string): Api {
  return new Api(server.url, { authorization: `Bearer ${token}` });
}

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const addr = jwks.address();
  jwksUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/jwks.json`;
  server = await startServer({ JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISS, JWT_AUDIENCE: AUD });
  dialogId = (await createDialog(server, { participants: [person('alice'), person('bob')] })).id;
});

afterAll(async () => {
  await server?.close();
  await new Promise((r) => jwks?.close(r));
});

describe('host JWTs from a JWKS', () => {
  it('accepts RS256 and ES256 tokens with the right issuer and audience', async () => {
    for (const [key, alg, kid] of [
      [rsa.privateKey, 'RS256', 'rsa-1'],
      [ec.privateKey, 'ES256', 'ec-1'],
    ] as const) {
      const res = await as(await hostJwt(key, alg, kid)).get(`/api/v1/dialogs/${dialogId}`);
      expect(res.status, alg).toBe(200);
      expect(res.body.data.i_am_participant).toBe(true);
    }
  });

  it('refuses alg "none"', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    expectError(await as(token).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('refuses HS256 signed with the RSA public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const forged = await hostJwt(new TextEncoder().encode(pem), 'HS256', 'rsa-1');
    expectError(await as(forged).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('refuses an RS256 header on an EC key and an unknown key id', async () => {
    expectError(await as(await hostJwt(ec.privateKey, 'ES256', 'rsa-1')).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    expectError(await as(await hostJwt(rsa.privateKey, 'RS256', 'nope')).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('refuses expired tokens with TOKEN_EXPIRED, and tokens not yet valid', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('alice')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(rsa.privateKey);
    expectError(await as(expired).get('/api/v1/dialogs'), 401, 'TOKEN_EXPIRED');
    const early = await hostJwt(rsa.privateKey, 'RS256', 'rsa-1', { nbf: Math.floor(Date.now() / 1000) + 3600 });
    expectError(await as(early).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('refuses a wrong audience or issuer', async () => {
    const wrongAud = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('alice')
      .setIssuer(ISS)
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    const wrongIss = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('alice')
      .setIssuer('https://evil.example')
      .setAudience(AUD)
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    expectError(await as(wrongAud).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    expectError(await as(wrongIss).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await hostJwt(rsa.privateKey, 'RS256', 'rsa-1')).split('.');
    const tampered = `${h}.${b64({ sub: 'bob', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 300 })}.${s}`;
    expectError(await as(tampered).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
  });
});

describe('Parley-minted tokens', () => {
  it('refuses a minted token whose header was switched to none or to another algorithm', async () => {
    const res = await server.admin.post('/api/v1/management/tokens', { user_id: 'alice' });
    const [h, p, s] = (res.body.data.token as string).split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    expectError(await as(`${b64({ ...header, alg: 'none' })}.${p}.`).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    expectError(await as(`${b64({ ...header, alg: 'HS512' })}.${p}.${s}`).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    expectError(
      await as(`${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'bob' })}.${s}`).get('/api/v1/dialogs'),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses another user id in the query', async () => {
    const alice = await server.user('alice');
    expectError(await alice.get(`/api/v1/dialogs?user_id=bob`), 403, 'FORBIDDEN');
    expectError(await alice.get(`/api/v1/dialogs?sender_id=bob`), 403, 'FORBIDDEN');
    expect((await alice.get(`/api/v1/dialogs?user_id=alice`)).status).toBe(200);
  });

  it('carries a host profile that wins over the join body', async () => {
    const scoped = await createDialog(server, { participants: [person('owner')], access_scopes: [{ scope_level0: ['t'] }] });
    const minted = await server.admin.post('/api/v1/management/tokens', {
      user_id: 'visitor',
      scope: { scope_level0: ['t'] },
      profile: { display_name: 'Verified Visitor', company: 'Real Co' },
    });
    expect(minted.status).toBe(200);
    const visitor = as(minted.body.data.token);
    expect((await visitor.post(`/api/v1/dialogs/${scoped.id}/join`, { display_name: 'CEO', company: 'Fake Co' })).status).toBe(200);
    const people = await visitor.get(`/api/v1/dialogs/${scoped.id}/participants`);
    expect(people.body.data.find((p: { user_id: string }) => p.user_id === 'visitor')).toMatchObject({
      display_name: 'Verified Visitor',
      company: 'Real Co',
    });
  });

  it('validates the mint request (origins must be origins, ttl bounded)', async () => {
    expectError(
      await server.admin.post('/api/v1/management/tokens', { user_id: 'a', origins: ['https://x.example/path'] }),
      400,
      'INVALID_INPUT',
    );
    expectError(await server.admin.post('/api/v1/management/tokens', { user_id: 'a', ttl_seconds: 100000 }), 400, 'INVALID_INPUT');
    expectError(
      await server.admin.post('/api/v1/management/tokens', { user_id: 'a', profile: { display_name: '  ' } }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('signing-key rotation', () => {
  it('rotates a due key at start, keeps verifying tokens of the old key, signs with the new one', async () => {
    const first = await startServer();
    const oldToken = (await first.admin.post('/api/v1/management/tokens', { user_id: 'zoe' })).body.data.token as string;
    const oldKid = JSON.parse(Buffer.from(oldToken.split('.')[0]!, 'base64url').toString()).kid;
    await first.built.close();
    // Age the key ring on disk so the next start finds its newest key due.
    const file = join(first.dataDir, 'signing-keys.json');
    const { readFileSync } = await import('node:fs');
    const keys = JSON.parse(readFileSync(file, 'utf8'));
    keys[0].created_at -= 40 * 24 * 3600;
    writeFileSync(file, JSON.stringify(keys));
    const second = await startServer({ DATA_DIR: first.dataDir, DATABASE_SCHEMA: first.schema, ADMIN_API_TOKEN: first.adminToken });
    try {
      const newToken = (await second.admin.post('/api/v1/management/tokens', { user_id: 'zoe' })).body.data.token as string;
      const newKid = JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid;
      expect(newKid).not.toBe(oldKid);
      const viaOld = await new Api(second.url, { authorization: `Bearer ${oldToken}` }).get('/api/v1/dialogs');
      expect(viaOld.status).toBe(200);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(2);
    } finally {
      await second.close();
    }
  });

  it('PARLEY_SIGNING_KEY takes a list: the first signs, the others still verify', async () => {
    const oldKey = 'o'.repeat(40);
    const newKey = 'n'.repeat(40);
    const before = await startServer({ PARLEY_SIGNING_KEY: oldKey });
    const token = (await before.admin.post('/api/v1/management/tokens', { user_id: 'yan' })).body.data.token as string;
    await before.close();
    const after = await startServer({ PARLEY_SIGNING_KEY: `${newKey},${oldKey}` });
    const gone = await startServer({ PARLEY_SIGNING_KEY: newKey });
    try {
      expect((await new Api(after.url, { authorization: `Bearer ${token}` }).get('/api/v1/dialogs')).status).toBe(200);
      expectError(await new Api(gone.url, { authorization: `Bearer ${token}` }).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    } finally {
      await after.close();
      await gone.close();
    }
  });
});
