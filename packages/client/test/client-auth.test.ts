/**
 * Tokens against a real server: short-lived tokens refreshed before they expire mid-session (REST and realtime),
 * one refresh for many requests refused together, a refused realtime handshake without a reconnect storm, and a
 * host backend that is down for a while.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import type { AuthExpired, ClientEvents, ErrorEvent } from '../src/index.js';
import { closeClients, dialogWith, nodeClient, uid } from './support/clients.js';
import { eventually } from '../../server/test/support/poll.js';
import { hostBackend, type HostBackend } from './support/host.js';
import { startProxy, type TcpProxy } from '../../server/test/support/tcp-proxy.js';

let server: TestServer;
let host: HostBackend;
/** Tokens that live two seconds. */
let shortHost: HostBackend;

beforeAll(async () => {
  server = await startServer({ REALTIME_HEARTBEAT_SECS: '1' });
  host = hostBackend(() => server.url, server.adminToken);
  shortHost = hostBackend(() => server.url, server.adminToken, { ttlSeconds: 2 });
});
afterEach(() => closeClients());
afterAll(async () => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A getClientSecret that hands out `first` once, then real tokens; counts its calls. */
function firstThenReal(userId: string, first: () => Promise<string> | string) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    auth: {
      async getClientSecret() {
        calls += 1;
        return calls === 1 ? first() : host.mint(userId);
      },
    },
  };
}

describe('token expiry mid-session', () => {
  it('refreshes before expiry: REST and realtime keep working across several token lifetimes without one refusal', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    let proxy: TcpProxy | undefined;
    try {
      proxy = await startProxy(Number(new URL(server.url).port));
      const client = nodeClient(proxy.url, shortHost.auth(alice));
      const expired: AuthExpired[] = [];
      client.on('auth.expired', (e) => expired.push(e));
      const got: string[] = [];
      client.on('message.new', (m) => got.push(m.content));
      await client.connect();
      const bobApi = await server.user(bob);

      for (let round = 1; round <= 3; round += 1) {
        // Outlive the token the client holds, then use REST, and reconnect the realtime connection with a new token.
        await sleep(2200);
        const stored = await client.messages.send(dialogId, `alice ${round}`);
        expect(stored.sender_id).toBe(alice);
        proxy.cut();
        await eventually(() => client.connection.state !== 'connected', 'the cut');
        expect((await bobApi.post(`/api/v1/dialogs/${dialogId}/messages`, { content: `bob ${round}` })).status).toBe(200);
        proxy.restore();
        await eventually(() => got.includes(`bob ${round}`), `bob's message of round ${round}`);
      }
      expect(got).toEqual(['alice 1', 'bob 1', 'alice 2', 'bob 2', 'alice 3', 'bob 3']);
      expect(expired).toEqual([]);
      expect(shortHost.minted(alice)).toBeGreaterThanOrEqual(4);
    } finally {
      await proxy?.close();
    }
  });

  it('a token that expired before it was used: the 401 TOKEN_EXPIRED triggers one refresh and the request succeeds', async () => {
    const alice = uid('alice');
    await dialogWith(server.admin, [alice]);
    // A host backend that cached a one-second token too long.
    const stale = firstThenReal(alice, async () => {
      const token = await hostBackend(() => server.url, server.adminToken, { ttlSeconds: 1 }).mint(alice);
      await sleep(2100);
      return token;
    });
    const client = nodeClient(server.url, stale.auth);
    const expired: AuthExpired[] = [];
    client.on('auth.expired', (e) => expired.push(e));
    const list = await client.dialogs.list();
    expect(list.length).toBe(1);
    expect(stale.calls).toBe(2);
    expect(expired).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED', refreshing: true })]);
  });
});

describe('token lifetime on a live connection', () => {
  it('WebSocket: renews its token in-band, shortly before each expiry, and never reconnects', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(server.url, shortHost.auth(alice));
    const states: ClientEvents['connection.state'][] = [];
    client.on('connection.state', (s) => states.push(s));
    const expired: AuthExpired[] = [];
    client.on('auth.expired', (e) => expired.push(e));
    const got: string[] = [];
    client.on('message.new', (m) => got.push(m.content));
    await client.connect();
    const bobApi = await server.user(bob);
    for (let round = 1; round <= 3; round += 1) {
      await sleep(2200);
      expect((await bobApi.post(`/api/v1/dialogs/${dialogId}/messages`, { content: `round ${round}` })).status).toBe(200);
      await eventually(() => got.includes(`round ${round}`), `round ${round}`);
    }
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(expired).toEqual([]);
    // About one token per lifetime (each renewed at 80% of it), not one per notice.
    expect(shortHost.minted(alice)).toBeGreaterThanOrEqual(4);
    expect(shortHost.minted(alice)).toBeLessThan(20);
  });

  it('SSE: the stream ends when the token runs out; the client refreshes and resumes at once, losing nothing', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(server.url, shortHost.auth(alice), { transport: { transports: ['sse'] } });
    const states: ClientEvents['connection.state'][] = [];
    client.on('connection.state', (s) => states.push(s));
    const got: string[] = [];
    client.on('message.new', (m) => got.push(m.content));
    await client.connect();
    const bobApi = await server.user(bob);
    const sent: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      expect((await bobApi.post(`/api/v1/dialogs/${dialogId}/messages`, { content: `m${i}` })).status).toBe(200);
      sent.push(`m${i}`);
      await sleep(300);
    }
    await eventually(() => got.length === sent.length, 'every message');
    expect(got).toEqual(sent);
    const reasons = states.filter((s) => s.state === 'connecting').map((s) => s.reason);
    expect(reasons).toContain('token expired');
    // Straight back each time: no backoff was scheduled.
    expect(states.filter((s) => s.retryInMs !== undefined)).toEqual([]);
  });
});

describe('refresh on refusal', () => {
  it('twenty requests refused together share one refresh, then all succeed', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice]);
    const bad = firstThenReal(alice, () => 'not-a-token');
    const client = nodeClient(server.url, bad.auth);
    const expired: AuthExpired[] = [];
    client.on('auth.expired', (e) => expired.push(e));
    const views = await Promise.all(Array.from({ length: 20 }, () => client.dialogs.get(dialogId)));
    expect(views.every((v) => v.id === dialogId)).toBe(true);
    expect(bad.calls).toBe(2);
    expect(expired).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED', refreshing: true })]);
  });

  it('a WebSocket handshake refused for its token: one refresh, then connected, no storm', async () => {
    const alice = uid('alice');
    await dialogWith(server.admin, [alice]);
    const bad = firstThenReal(alice, () => 'not-a-token');
    const client = nodeClient(server.url, bad.auth);
    const states: ClientEvents['connection.state'][] = [];
    client.on('connection.state', (s) => states.push(s));
    await client.connect();
    expect(client.connection).toMatchObject({ state: 'connected', transport: 'websocket' });
    expect(bad.calls).toBe(2);
    // One refused attempt, one that worked: the refresh did not wait out a backoff, and nothing else was tried.
    expect(states.filter((s) => s.state === 'connecting')).toHaveLength(2);
    expect(states.some((s) => s.retryInMs !== undefined)).toBe(false);
  });

  it('an event stream refused with 401: one refresh, then connected over SSE', async () => {
    const alice = uid('alice');
    await dialogWith(server.admin, [alice]);
    const bad = firstThenReal(alice, () => 'not-a-token');
    const client = nodeClient(server.url, bad.auth, { transport: { transports: ['sse'] } });
    await client.connect();
    expect(client.connection).toMatchObject({ state: 'connected', transport: 'sse' });
    expect(bad.calls).toBe(2);
  });

  it('a token that stays refused: at most one refresh per connection attempt, attempts paced by the backoff', async () => {
    let calls = 0;
    const client = nodeClient(
      server.url,
      {
        getClientSecret: async () => {
          calls += 1;
          return `bad-${calls}`;
        },
      },
      { transport: { backoff: { initialMs: 20, maxMs: 40 } } },
    );
    let attempts = 0;
    let retriesScheduled = 0;
    client.on('connection.state', (s) => {
      if (s.state === 'connecting') attempts += 1;
      if (s.retryInMs !== undefined) retriesScheduled += 1;
    });
    void client.connect().catch(() => {});
    await eventually(() => attempts >= 6, 'six connection attempts');
    expect(client.connection.state).not.toBe('connected');
    expect(calls).toBeLessThanOrEqual(attempts + 1);
    expect(retriesScheduled).toBeGreaterThanOrEqual(attempts - 2);
    expect(await client.dialogs.list().catch((e: unknown) => e)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });
});

describe('host backend down', () => {
  it('a send waits while getClientSecret fails (error event, retryable), and is stored once when the host is back', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice]);
    let down = true;
    const client = nodeClient(server.url, {
      async getClientSecret() {
        if (down) throw new Error('host backend unavailable');
        return host.mint(alice);
      },
    });
    const errors: ErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const sending = client.messages.send(dialogId, 'eventually');
    await eventually(() => errors.length >= 2, 'refresh failures reported');
    expect(errors[0]).toMatchObject({ code: 'AUTH_REFRESH_FAILED', retryable: true });
    expect(client.queuedSends).toBe(1);
    down = false;
    client.reconnectNow();
    const stored = await sending;
    expect(stored.content).toBe('eventually');
    const page = await client.messages.list(dialogId);
    expect(page.messages.filter((m) => m.content === 'eventually')).toHaveLength(1);
  });
});

describe('custom mode realtime', () => {
  it('uses the bearer from headers(request) for the WebSocket and delivers events', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const token = await host.mint(alice);
    const client = nodeClient(server.url, { headers: () => ({ authorization: `Bearer ${token}` }) });
    const got: string[] = [];
    client.on('message.new', (m) => got.push(m.content));
    await client.connect();
    expect(client.connection.transport).toBe('websocket');
    await (await server.user(bob)).post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'custom' });
    await eventually(() => got.length === 1, 'the event');
    expect(got).toEqual(['custom']);
  });
});
