/**
 * The server's clock is injectable (src/clock.ts): token lifetimes and live-connection expiry are driven here by a
 * ManualClock, without sleeping. A token minted for 1 s has a full second from the instant it was minted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisEnv, WsClient } from './support/realtime.js';
import { ManualClock } from './support/manual-clock.js';
import { startServer, type TestServer } from './support/server.js';
import { Api } from './support/api.js';

// Half a second past a whole second: minting from the whole second would cut a "1 s" token to half a second.
const start = (Math.floor(Date.now() / 1000) + 1) * 1000 + 500;
const clock = new ManualClock(start);
let server: TestServer;

async function mint(ttl: number): Promise<string> {
  const res = await server.admin.post('/api/v1/management/tokens', { user_id: 'tia', ttl_seconds: ttl });
  expect(res.status).toBe(200);
  return res.body.data.token;
}

const dialogsWith = (token: string) => new Api(server.url, { authorization: `Bearer ${token}` }).get('/api/v1/dialogs');

beforeAll(async () => {
  server = await startServer({ REALTIME_AUTH_NOTICE_SECS: '1', ...redisEnv() }, { clock });
});
afterAll(async () => {
  await server?.close();
});

describe('token lifetime on the injected clock', () => {
  it('gives a 1 s token its full second, minted between two whole seconds', async () => {
    const token = await mint(1);
    clock.advance(999);
    expect((await dialogsWith(token)).status).toBe(200);
  });

  it('accepts a 1 s token at +999 ms and refuses it at +1001 ms with TOKEN_EXPIRED', async () => {
    clock.advance(1000 - (clock.now().getTime() % 1000));
    const token = await mint(1);
    clock.advance(999);
    expect((await dialogsWith(token)).status).toBe(200);
    clock.advance(2);
    const refused = await dialogsWith(token);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } });
  });

  it('tells a live connection its token is expiring, then closes it with 4001 when the clock reaches expiry', async () => {
    clock.advance(1000 - (clock.now().getTime() % 1000));
    const ws = await WsClient.connect(server.url, { token: await mint(3) });
    clock.advance(1999);
    expect(ws.received.map((m) => m.type)).not.toContain('auth.expiring');
    clock.advance(1);
    await ws.waitFor((m) => m.type === 'auth.expiring', 'auth.expiring');
    clock.advance(999);
    expect(ws.ended).toBe(false);
    clock.advance(1);
    await ws.waitFor((m) => m.type === 'auth.expired', 'auth.expired');
    expect(await ws.closed).toBe(4001);
  });
});
