/**
 * Token lifetime on live connections: `auth.expiring` ahead of expiry, in-band renewal without reconnecting,
 * the refresh-now close code when a token runs out, and the same end for SSE streams. The server's clock is driven
 * by the test (ManualClock): a token runs out when the test moves the clock past its expiry, never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, SseClient, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';
import { ManualClock } from './support/manual-clock.js';
import { eventually } from './support/poll.js';

let server: TestServer;
const clock = new ManualClock();
let dialogId: string;

async function mint(userId: string, ttl: number, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.admin.post('/api/v1/management/tokens', { user_id: userId, ttl_seconds: ttl, ...extra });
  expect(res.status).toBe(200);
  return res.body.data.token;
}

beforeAll(async () => {
  // Every connection is told 60 s ahead; the short tokens below are therefore told at once.
  server = await startServer({ REALTIME_AUTH_NOTICE_SECS: '60', ...redisEnv() }, { clock });
  dialogId = (await createDialog(server, { participants: [person('uma'), person('vic')] })).id;
});
afterAll(async () => {
  await server?.close();
});

describe('token lifetime on a WebSocket', () => {
  it('announces the expiry, renews in-band, and keeps delivering past the first token', async () => {
    const first = await mint('uma', 2);
    const ws = await WsClient.connect(server.url, { token: first });
    clock.advance(0);
    const notice = await ws.waitFor((m) => m.type === 'auth.expiring', 'auth.expiring');
    expect(Date.parse(notice.expires_at)).toBeGreaterThan(clock.now().getTime());
    const from = ws.received.length;
    ws.send({ type: 'auth', token: await mint('uma', 120) });
    const ok = await ws.waitFor((m) => m.type === 'auth.ok', 'auth.ok', from);
    expect(Date.parse(ok.expires_at)).toBeGreaterThan(Date.parse(notice.expires_at));
    // Past the first token's expiry the socket is still open and still receives events.
    clock.advance(3000);
    expect(ws.ended).toBe(false);
    const vic = await server.user('vic');
    const sent = await vic.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'still there?' });
    await ws.waitFor((m) => m.type === 'message.new' && m.id === sent.body.data.id, 'the message');
    await ws.close();
  });

  it('closes with 4001 and auth.expired when the token runs out without renewal', async () => {
    const ws = await WsClient.connect(server.url, { token: await mint('uma', 1) });
    clock.advance(2000);
    const code = await ws.closed;
    expect(code).toBe(4001);
    expect(ws.received.map((m) => m.type)).toEqual(expect.arrayContaining(['connected', 'auth.expiring', 'auth.expired']));
  });

  it("refuses another user's token, an invalid one, and one bound to another origin, and keeps the old lifetime", async () => {
    const ws = await WsClient.connect(server.url, { token: await mint('uma', 1) });
    let from = ws.received.length;
    ws.send({ type: 'auth', token: await mint('vic', 120) });
    expect(await ws.waitFor((m) => m.type === 'auth.failed', 'auth.failed', from)).toMatchObject({ code: 'FORBIDDEN' });
    from = ws.received.length;
    ws.send({ type: 'auth', token: 'not-a-token' });
    expect(await ws.waitFor((m) => m.type === 'auth.failed', 'auth.failed', from)).toMatchObject({ code: 'UNAUTHORIZED' });
    from = ws.received.length;
    ws.send({ type: 'auth', token: await mint('uma', 120, { origins: ['https://elsewhere.example'] }) });
    // This socket has no Origin (not a page), so an origin-bound token is acceptable here...
    expect((await ws.waitFor((m) => m.type === 'auth.ok' || m.type === 'auth.failed', 'an answer', from)).type).toBe('auth.ok');
    await ws.close();
    // ...but from a page of another origin it is not.
    const page = await WsClient.connect(server.url, { token: await mint('uma', 1), origin: 'https://shop.example' });
    from = page.received.length;
    page.send({ type: 'auth', token: await mint('uma', 120, { origins: ['https://elsewhere.example'] }) });
    expect(await page.waitFor((m) => m.type === 'auth.failed', 'auth.failed', from)).toMatchObject({ code: 'FORBIDDEN' });
    clock.advance(2000);
    expect(await page.closed).toBe(4001);
  });

  it('refuses an expired token at the handshake with TOKEN_EXPIRED', async () => {
    const token = await mint('uma', 1);
    clock.advance(2000);
    const refused = await WsClient.refusal(server.url, { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } });
    const sse = await SseClient.connect(server.url, token);
    expect(sse.status).toBe(401);
    expect(sse.body.error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('token lifetime on an event stream', () => {
  it('ends the stream with auth.expired, and a fresh token resumes from Last-Event-ID', async () => {
    const sse = await SseClient.connect(server.url, await mint('uma', 2));
    clock.advance(0);
    await sse.waitFor((m) => m.type === 'auth.expiring', 'auth.expiring');
    const vic = await server.user('vic');
    const before = await vic.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'before expiry' });
    const seen = await sse.waitFor((m) => m.id === before.body.data.id, 'the first message');
    clock.advance(3000);
    await sse.waitFor((m) => m.type === 'auth.expired', 'auth.expired');
    await sse.waitUntil(() => sse.ended, 'the stream to end');
    const during = await vic.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'while away' });
    const again = await SseClient.connect(server.url, await mint('uma', 60), { lastEventId: seen.event_id });
    // The resume's replay read waits on the server's clock (the resume window), so the test moves it along.
    await eventually(() => {
      clock.advance(1);
      return again.received.some((m) => m.id === during.body.data.id);
    }, 'the missed message');
    // The resume starts after the cursor: what the first stream saw is not delivered again.
    expect(again.received.filter((m) => m.id === before.body.data.id)).toEqual([]);
    again.close();
  });
});
