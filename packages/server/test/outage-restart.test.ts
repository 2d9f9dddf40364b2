/**
 * Parley as a process (dist/main.js in a child, on the backend of the project): killed with SIGKILL under write
 * load it loses nothing it acknowledged, twice in a row on the same data; stopped with SIGTERM it finishes the
 * requests in flight up to SHUTDOWN_DRAIN_SECS, closes realtime with 1001 (clients resume elsewhere), hands its
 * leased webhook delivery back, and exits 0 (issue #18, docs/operations.md).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/index.js';
import { loadConfig } from '../src/app.js';
import { Api } from './support/api.js';
import { unique } from './support/chat.js';
import { childEnv, startChild, type ChildServer } from './support/child-server.js';
import { createDialog, person } from './support/fixtures.js';
import { SseClient, WsClient } from './support/realtime.js';
import { dropSchema } from './support/server.js';
import { Senders, storedCounts } from './support/traffic.js';
import { eventually } from './support/poll.js';

const children: ChildServer[] = [];
const envs: Record<string, string | undefined>[] = [];

afterAll(async () => {
  for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  for (const env of envs) await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA);
});

async function start(env: Record<string, string | undefined>): Promise<ChildServer> {
  const child = await startChild(env);
  children.push(child);
  return child;
}

async function tokenFor(child: ChildServer, userId: string): Promise<string> {
  const res = await child.admin.post('/api/v1/management/tokens', { user_id: userId, ttl_seconds: 900 });
  expect(res.status, res.text).toBe(200);
  return res.body.data.token;
}

describe('kill -9 under write load', () => {
  it('keeps every acknowledged message, twice in a row, on the same data', async () => {
    const env = childEnv();
    envs.push(env);
    let child = await start(env);
    const alice = unique('alice');
    const d = await createDialog(child, { participants: [person(alice), person(unique('bob'))] });
    // Minted once: the signing key is part of the deployment's environment, so the token outlives restarts.
    const token = await tokenFor(child, alice);
    const acked = new Map<string, string>();
    const inFlight = new Set<string>();
    for (const round of [1, 2]) {
      const senders = new Senders(new Api(child.url, { authorization: `Bearer ${token}` }), d.id, `kill${round}`);
      senders.start(4);
      await eventually(() => senders.acked.size >= 25, `acknowledged sends in round ${round}`, 60_000);
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await senders.stop();
      // The sends cut off by the kill were never answered; everything else was 200.
      expect(
        senders.unexpected.every((u) => u.status === 0),
        JSON.stringify(senders.unexpected),
      ).toBe(true);
      for (const u of senders.unexpected) inFlight.add(u.cmid);
      for (const [cmid, id] of senders.acked) acked.set(cmid, id);
      child = await start(env);
      const list = await new Api(child.url, { authorization: `Bearer ${token}` }).get(`/api/v1/dialogs/${d.id}/messages`);
      expect(list.status, list.text).toBe(200);
    }
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const stored = await storedCounts(env, d.id);
    expect(
      [...stored].filter(([, n]) => n !== 1),
      'stored more than once',
    ).toEqual([]);
    const lost = [...acked.keys()].filter((cmid) => !stored.has(cmid));
    expect(lost, 'acknowledged but lost').toEqual([]);
    // Besides the acknowledged sends, at most the ones in flight at the kill (committed, answer lost).
    expect([...stored.keys()].filter((cmid) => !acked.has(cmid) && !inFlight.has(cmid))).toEqual([]);
    console.log(`kill -9: ${acked.size} acknowledged sends kept over 2 kills (${inFlight.size} were in flight)`);
  }, 240_000);
});

/** A POST whose body is sent in two parts: the headers and a first byte now, the rest when `finish()` is called. */
function slowPost(url: string, path: string, token: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  const req = http.request(`${url}${path}`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}` },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  req.write(data.subarray(0, 1));
  return { finish: () => req.end(data.subarray(1)), response };
}

/** A webhook receiver that takes requests and never answers them (the delivery stays leased and in flight). */
async function silentReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = http.createServer(() => {
    received += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received: () => received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const refuses = (url: string) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(Number(new URL(url).port), '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

describe('SIGTERM', () => {
  it('drains in-flight requests to the deadline, closes realtime with 1001, hands leased work back, exits 0', async () => {
    const hooks = await silentReceiver();
    const env = childEnv({
      SHUTDOWN_DRAIN_SECS: '3',
      WEBHOOK_URL: hooks.url,
      WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
      WEBHOOK_TIMEOUT_SECS: '120',
      JOB_POLL_INTERVAL_MS: '50',
    });
    envs.push(env);
    try {
      const child = await start(env);
      const alice = unique('alice');
      const bob = unique('bob');
      const d = await createDialog(child, { participants: [person(alice), person(bob)] });
      const aliceToken = await tokenFor(child, alice);
      const bobToken = await tokenFor(child, bob);
      const ws = await WsClient.connect(child.url, { token: bobToken });
      const sse = await SseClient.connect(child.url, bobToken);
      const first = await new Api(child.url, { authorization: `Bearer ${aliceToken}` }).post(`/api/v1/dialogs/${d.id}/messages`, {
        content: 'first',
      });
      expect(first.status).toBe(200);
      await eventually(() => hooks.received() >= 1, 'the webhook delivery is in flight');

      const path = `/api/v1/dialogs/${d.id}/messages`;
      const finished = slowPost(child.url, path, aliceToken, { content: 'finished during the drain', client_message_id: 'drained' });
      const abandoned = slowPost(child.url, path, aliceToken, { content: 'never finished', client_message_id: 'abandoned' });
      abandoned.response.catch(() => undefined);
      await eventually(
        () => child.logs.filter((l) => l.msg === 'incoming request' && (l.req as { url?: string })?.url === path).length >= 2,
        'both slow requests arrived',
      );

      child.process.kill('SIGTERM');
      await eventually(() => refuses(child.url), 'the listener closed');
      finished.finish();
      const answer = await finished.response;
      expect(answer.status, answer.text).toBe(200);
      expect(await ws.closed).toBe(1001);
      await eventually(() => sse.ended, 'the event stream ended');
      // The request that never finished is cut at SHUTDOWN_DRAIN_SECS; the process then exits cleanly.
      expect(await child.exited).toBe(0);
      await expect(abandoned.response).rejects.toThrow();
      // The start-up check listed every long-lived connection and loop of this configuration.
      const listed = child.logs.find((l) => String(l.msg).startsWith('long-lived connections'))?.connections as string[] | undefined;
      const expected = [
        'database',
        'realtime hub (event log reader)',
        'event retention',
        'agent worker',
        'webhook dispatcher',
        'webhook consumer',
        'notification worker',
        'auto-archive',
        'file sweeper',
      ];
      expect(
        listed
          ?.map((c) => c.replace(/ \(PostgreSQL pool\)| \(embedded PGlite\)/, '').replace(/ \[\w+(-\w+)?\]$/, ''))
          .filter((c) => !c.startsWith('redis')),
      ).toEqual(expected);
      expect(child.logs.some((l) => l.msg === 'shutting down: draining')).toBe(true);
      expect(child.logs.some((l) => l.msg === 'shut down')).toBe(true);

      // What finished is stored; the delivery that was in flight is pending again, its lease handed back.
      const stored = await storedCounts(env, d.id);
      expect(stored.get('drained')).toBe(1);
      expect(stored.has('abandoned')).toBe(false);
      const db = await openDatabase(loadConfig(env));
      try {
        const deliveries = await db.kysely.selectFrom('webhook_deliveries').select(['status', 'lease_token', 'last_error']).execute();
        expect(deliveries.length).toBeGreaterThanOrEqual(1);
        for (const r of deliveries) {
          expect(r.status).toBe('pending');
          expect(r.lease_token).toBeNull();
        }
        expect(deliveries.some((r) => r.last_error === 'interrupted by shutdown')).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      await hooks.close();
    }
  }, 120_000);
});
