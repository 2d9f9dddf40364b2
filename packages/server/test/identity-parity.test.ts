/**
 * One identity rule for the Chat API and the realtime handshake: the same raw `user_id` (and token) query sent to
 * `GET /api/v1/dialogs` and to `GET /api/v1/ws` names the same user, or is refused with the same status and code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog } from './support/fixtures.js';
import { tokenOf, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let legacy: TestServer;
let strict: TestServer;

beforeAll(async () => {
  [legacy, strict] = await Promise.all([startServer({ JWT_AUTH_ENABLED: 'false' }), startServer()]);
});
afterAll(async () => {
  await Promise.all([legacy?.close(), strict?.close()]);
});

const tag = `p${Math.random().toString(36).slice(2, 7)}`;

/** Raw query values as they go on the wire, and whom MTChat's rule (percent-decode, `+` stays) makes of them. */
const accepted: [string, string][] = [
  [`${tag}a+b`, `${tag}a+b`],
  [`${tag}a%20b`, `${tag}a b`],
  [`${tag}c%2Bd`, `${tag}c+d`],
  [`${tag}%C3%A9l%C3%A8ve-%E4%BC%9A%E8%AE%AE-%F0%9F%92%AC`, `${tag}élève-会议-💬`],
  [`${tag}bad%E0%A4%A`, `${tag}bad%E0%A4%A`],
  [`${tag}${'x'.repeat(255 - tag.length)}`, `${tag}${'x'.repeat(255 - tag.length)}`],
];

/** The user the WebSocket handshake took the caller for (its `connected` frame), or its refusal. */
async function overWs(server: TestServer, rawQuery: string): Promise<{ status: number; user?: string; code?: string }> {
  try {
    const ws = await WsClient.connect(server.url, { rawQuery });
    const user = ws.received[0]?.employee_id;
    await ws.close();
    return { status: 101, user };
  } catch (err) {
    const e = err as { status?: number; body?: string };
    if (e.status === undefined) throw err;
    return { status: e.status, code: JSON.parse(e.body ?? '{}').error?.code };
  }
}

async function overHttp(server: TestServer, rawQuery: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/v1/dialogs?${rawQuery}`, { headers });
  const body = await res.json();
  return { status: res.status, body, code: body.error?.code as string | undefined };
}

describe('legacy user_id, over HTTP and over the WebSocket', () => {
  it.each(accepted)('?user_id=%s is the same user on both', async (raw, user) => {
    const d = await createDialog(legacy, { participants: [{ user_id: user, display_name: 'Parity' }] });
    const ws = await overWs(legacy, `user_id=${raw}`);
    expect(ws).toEqual({ status: 101, user });
    const http = await overHttp(legacy, `user_id=${raw}`);
    expect(http.status, JSON.stringify(http.body)).toBe(200);
    expect(http.body.data.map((x: { id: string }) => x.id)).toEqual([d.id]);
  });

  it.each([
    ['empty', 'user_id=', 400, 'BAD_REQUEST'],
    ['absent', 'other=1', 400, 'BAD_REQUEST'],
    ['256 characters', `user_id=${'y'.repeat(256)}`, 400, 'INVALID_INPUT'],
    ['an agent id', 'user_id=agent:helper', 400, 'BAD_REQUEST'],
  ])('refuses %s the same way on both', async (_what, query, status, code) => {
    const ws = await overWs(legacy, query as string);
    const http = await overHttp(legacy, query as string);
    expect({ status: ws.status, code: ws.code }).toEqual({ status, code });
    expect({ status: http.status, code: http.code }).toEqual({ status, code });
  });
});

describe('tokens, over HTTP and over the WebSocket', () => {
  it('a user_id next to a token must name the token holder on both', async () => {
    const holder = `${tag}tok+en`;
    const token = tokenOf(await strict.user(holder));
    const auth = { authorization: `Bearer ${token}` };
    expect(await overWs(strict, `token=${token}&user_id=${tag}tok%2Ben`)).toEqual({ status: 101, user: holder });
    expect((await overHttp(strict, `user_id=${tag}tok%2Ben`, auth)).status).toBe(200);
    // `+` is not a space: the same bytes name someone else, on both.
    const ws = await overWs(strict, `token=${token}&user_id=${tag}tok%20en`);
    const http = await overHttp(strict, `user_id=${tag}tok%20en`, auth);
    expect({ status: ws.status, code: ws.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect({ status: http.status, code: http.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('no token in token mode is 401 on both, whatever user_id says', async () => {
    const ws = await overWs(strict, `user_id=${tag}a+b`);
    const http = await overHttp(strict, `user_id=${tag}a+b`);
    expect({ status: ws.status, code: ws.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect({ status: http.status, code: http.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });
});
