/** Abuse limits and browser-facing controls: rate-limit buckets, the origin allow-lists, security headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

describe('rate limits', () => {
  let server: TestServer;
  let dialogId: string;
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_RPS: '2',
      RATE_LIMIT_BURST: '6',
      RATE_LIMIT_SEND_RPS: '1',
      RATE_LIMIT_SEND_BURST: '2',
      RATE_LIMIT_IP_RPS: '1000',
      RATE_LIMIT_IP_BURST: '1000',
    });
    dialogId = (await createDialog(server, { participants: [person('ann'), person('ben')] })).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function burst(api: Api, n: number, fn: (api: Api) => Promise<{ status: number; body: any; headers: Headers }>) {
    return Promise.all(Array.from({ length: n }, () => fn(api)));
  }

  it('answers 429 RATE_LIMIT_EXCEEDED with Retry-After once a user spends the bucket, and only for that user', async () => {
    const ann = await server.user('ann');
    const ben = await server.user('ben');
    const results = await burst(ann, 25, (a) => a.get('/api/v1/dialogs'));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    for (const r of limited) {
      expect(r.body).toEqual({ error: { code: 'RATE_LIMIT_EXCEEDED', message: expect.any(String) } });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect((await ben.get('/api/v1/dialogs')).status).toBe(200);
  });

  it('spends the stricter send bucket before the general one', async () => {
    const ben = await server.user('ben');
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await ben.post(`/api/v1/dialogs/${dialogId}/messages`, { content: `m${i}` }));
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(429);
    // The general bucket (burst 6) would have allowed all six: the send bucket (burst 2) is what refused.
    expect(statuses.filter((s) => s === 200).length).toBeLessThan(6);
    // Stored messages equal the accepted sends: a refused send stored nothing.
    const accepted = statuses.filter((s) => s === 200).length;
    await new Promise((r) => setTimeout(r, 1100));
    const page = await (await server.user('ann')).get(`/api/v1/dialogs/${dialogId}/messages`);
    expect(page.body.data.messages.filter((m: { sender_id: string }) => m.sender_id === 'ben')).toHaveLength(accepted);
  });

  it('limits per IP as well, for anonymous requests too, but never /health', async () => {
    const strict = await startServer({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_IP_RPS: '1', RATE_LIMIT_IP_BURST: '3' });
    try {
      const anon = strict.anon();
      const results = await burst(anon, 15, (a) => a.get('/api/v1/dialogs'));
      expect(results.map((r) => r.status)).toContain(429);
      expect(results.filter((r) => r.status === 401).length).toBeGreaterThan(0);
      const health = await burst(anon, 15, (a) => a.get('/health'));
      expect(health.every((r) => r.status === 200)).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('origins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ CORS_ALLOWED_ORIGINS: 'https://app.example,https://admin.example' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('enforces CORS_ALLOWED_ORIGINS on every request, not just in headers', async () => {
    const bob = await server.user('bob');
    const good = await bob.with({ origin: 'https://app.example' }).get('/api/v1/dialogs');
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expectError(await bob.with({ origin: 'https://evil.example' }).get('/api/v1/dialogs'), 403, 'FORBIDDEN');
    expectError(
      await server.admin.with({ origin: 'https://evil.example' }).get('/api/v1/management/dialogs/00000000-0000-7000-8000-000000000000'),
      403,
      'FORBIDDEN',
    );
    // Not from a page: no Origin header at all (server-to-server, curl).
    expect((await bob.get('/api/v1/dialogs')).status).toBe(200);
  });

  it("enforces a token's own origins (the domain allow-list)", async () => {
    const open = await startServer();
    try {
      const minted = await open.admin.post('/api/v1/management/tokens', { user_id: 'cat', origins: ['https://shop.example'] });
      const cat = new Api(open.url, { authorization: `Bearer ${minted.body.data.token}` });
      expect((await cat.with({ origin: 'https://shop.example' }).get('/api/v1/dialogs')).status).toBe(200);
      expectError(await cat.with({ origin: 'https://elsewhere.example' }).get('/api/v1/dialogs'), 403, 'FORBIDDEN');
    } finally {
      await open.close();
    }
  });
});

describe('security headers', () => {
  it('sends nosniff, a locked-down CSP and frame denial on API responses', async () => {
    const server = await startServer();
    try {
      const res = await server.anon().get('/health');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      // Framing is refused by both headers, and they agree (CSP frame-ancestors 'none' = X-Frame-Options DENY).
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const home = await server.anon().get('/');
      expect(home.headers.get('x-frame-options')).toBe('DENY');
      expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      const err = await server.anon().get('/api/v1/dialogs');
      expect(err.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await server.close();
    }
  });
});
