/**
 * Host JWTs on live connections (item 8 of issue #16): a token whose `exp` is more than 24.8 days away (past
 * Node's 2^31-1 ms timer limit) used to end realtime at once with 4001, sending clients into a reconnect loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, SseClient, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';
import { Api } from './support/api.js';

const HOST_SECRET = 'host-secret-for-long-tokens-0123456789';
const DAY = 24 * 3600;

function hostJwt(claims: Record<string, unknown>, expInSecs: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + expInSecs)
    .sign(new TextEncoder().encode(HOST_SECRET));
}

describe('long-lived host JWTs on realtime', () => {
  let server: TestServer;
  let dialogId: string;
  beforeAll(async () => {
    server = await startServer({ JWT_SECRET: HOST_SECRET, ...redisEnv() });
    dialogId = (await createDialog(server, { participants: [person('hana'), person('ivo')] })).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps a WebSocket open and delivering for a token expiring in 30, 60 and 365 days', async () => {
    const ivo = new Api(server.url, { authorization: `Bearer ${await hostJwt({ sub: 'ivo' }, DAY)}` });
    for (const days of [30, 60, 365]) {
      const ws = await WsClient.connect(server.url, { token: await hostJwt({ sub: 'hana' }, days * DAY) });
      await ws.ping();
      const sent = await ivo.post(`/api/v1/dialogs/${dialogId}/messages`, { content: `after ${days} days?` });
      expect(sent.status).toBe(200);
      await ws.waitFor((m) => m.type === 'message.new' && m.id === sent.body.data.id, 'the message');
      await ws.ping();
      expect(ws.ended).toBe(false);
      expect(ws.received.map((m) => m.type)).not.toContain('auth.expired');
      expect(await ws.close()).not.toBe(4001);
    }
  });

  it('keeps an SSE stream open for a token expiring in 30 days', async () => {
    const sse = await SseClient.connect(server.url, await hostJwt({ sub: 'hana' }, 30 * DAY));
    const ivo = new Api(server.url, { authorization: `Bearer ${await hostJwt({ sub: 'ivo' }, DAY)}` });
    const sent = await ivo.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'sse after 30 days?' });
    await sse.waitFor((m) => m.type === 'message.new' && m.id === sent.body.data.id, 'the message');
    expect(sse.ended).toBe(false);
    expect(sse.received.map((m) => m.type)).not.toContain('auth.expired');
    sse.close();
  });
});
