/** Rate-limit buckets are shared by every instance through Redis: a user cannot multiply the limit by spreading requests. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';

const limits = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_RPS: '1',
  RATE_LIMIT_BURST: '4',
  RATE_LIMIT_IP_RPS: '1000',
  RATE_LIMIT_IP_BURST: '1000',
};

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  expect(process.env.REDIS_URL, 'the cluster project runs with REDIS_URL').toBeTruthy();
  const signing = 's'.repeat(40);
  a = await startServer({ ...limits, PARLEY_SIGNING_KEY: signing });
  b = await startServer({
    ...limits,
    PARLEY_SIGNING_KEY: signing,
    DATABASE_SCHEMA: a.schema,
    REDIS_PREFIX: a.schema,
    ADMIN_API_TOKEN: a.adminToken,
  });
});
afterAll(async () => {
  await b?.built.close();
  await a?.close();
});

describe('rate limits across instances', () => {
  it('counts one user on both instances in one bucket', async () => {
    const token = (await a.admin.post('/api/v1/management/tokens', { user_id: 'spread' })).body.data.token as string;
    const onA = new Api(a.url, { authorization: `Bearer ${token}` });
    const onB = new Api(b.url, { authorization: `Bearer ${token}` });
    // Four requests on A spend the burst; what A alone would still allow, B must refuse.
    const first = await Promise.all(Array.from({ length: 4 }, () => onA.get('/api/v1/dialogs')));
    expect(first.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const second = await Promise.all(Array.from({ length: 4 }, () => onB.get('/api/v1/dialogs')));
    expect(second.map((r) => r.status)).toContain(429);
    // Another user on B is unaffected.
    const other = (await b.admin.post('/api/v1/management/tokens', { user_id: 'other' })).body.data.token as string;
    expect((await new Api(b.url, { authorization: `Bearer ${other}` }).get('/api/v1/dialogs')).status).toBe(200);
  });

  it('keeps the buckets of separate deployments (REDIS_PREFIX) apart', async () => {
    const c = await startServer({ ...limits, PARLEY_SIGNING_KEY: 's'.repeat(40) });
    try {
      const token = (await c.admin.post('/api/v1/management/tokens', { user_id: 'spread' })).body.data.token as string;
      expect((await new Api(c.url, { authorization: `Bearer ${token}` }).get('/api/v1/dialogs')).status).toBe(200);
    } finally {
      await c.close();
    }
  });
});
