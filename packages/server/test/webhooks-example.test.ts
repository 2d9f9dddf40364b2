/**
 * The example receiver (examples/webhook-receiver/receiver.mjs) run as a child process against a real server:
 * it accepts Parley's signed deliveries, recognises a redelivery by the signed envelope id (not the unsigned
 * X-Webhook-Id header), and rejects forged, stale or replayed-with-another-timestamp requests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';
import { eventually } from './support/poll.js';

const SECRET = 'example-secret-0123456789abcdef';
const script = fileURLToPath(new URL('../../../examples/webhook-receiver/receiver.mjs', import.meta.url));
const hmac = (data: string) => `sha256=${createHmac('sha256', SECRET).update(data).digest('hex')}`;

let child: ChildProcessWithoutNullStreams;
const lines: any[] = [];
let url: string;
let server: TestServer;

beforeAll(async () => {
  child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0', WEBHOOK_SECRET: SECRET } });
  const listening = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (m) resolve(m[1]!);
      else lines.push(JSON.parse(line));
    });
  });
  url = await listening;
  server = await startServer({
    WEBHOOK_URL: `${url}/webhooks`,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_MAX_DELAY_MS: '200',
    JOB_POLL_INTERVAL_MS: '50',
  });
});
afterAll(async () => {
  await server?.close();
  child?.kill();
});

it('accepts a delivery, and knows a redelivery of it as a duplicate', async () => {
  const u = unique('sender');
  const d = await createDialog(server, { participants: [person(u), person(unique('peer'))] });
  const msg = await send(await chatUser(server, u), d.id, 'hello receiver');
  const first = await eventually(() => lines.find((l) => l.payload?.message?.id === msg.id), 'received');
  expect(first).toMatchObject({ event: 'message.new', type: 'message_new', duplicate: false });

  const id = first.received;
  await eventually(
    async () => (await server.admin.get(`/api/v1/management/webhooks/deliveries/${id}`)).body.data.status === 'delivered',
    'delivered',
  );
  expect((await server.admin.post(`/api/v1/management/webhooks/deliveries/${id}/redeliver`)).status).toBe(200);
  await eventually(() => lines.find((l) => l.received === id && l.duplicate === true), 'duplicate noticed');
  await eventually(
    async () => (await server.admin.get(`/api/v1/management/webhooks/deliveries/${id}`)).body.data.status === 'delivered',
    'redelivered',
  );
});

it('rejects a forged body, a stale timestamp and a timestamp that the second signature does not cover', async () => {
  const body = JSON.stringify({ id: crypto.randomUUID(), type: 'message_new', timestamp: new Date().toISOString(), payload: {} });
  const now = String(Math.floor(Date.now() / 1000));
  const post = (headers: Record<string, string>, payload = body) =>
    fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-id': crypto.randomUUID(), ...headers },
      body: payload,
    });
  const valid = { 'x-webhook-signature': hmac(body), 'x-webhook-timestamp': now, 'x-webhook-timestamp-signature': hmac(`${now}.${body}`) };

  expect((await post(valid)).status).toBe(204);
  expect((await post(valid, `${body} `)).status).toBe(401);
  expect((await post({ ...valid, 'x-webhook-signature': hmac('other') })).status).toBe(401);
  const old = String(Number(now) - 3600);
  expect((await post({ ...valid, 'x-webhook-timestamp': old, 'x-webhook-timestamp-signature': hmac(`${old}.${body}`) })).status).toBe(401);
  // A captured request replayed with a fresh timestamp: the second signature no longer matches.
  const later = String(Number(now) + 1);
  expect((await post({ ...valid, 'x-webhook-timestamp': later })).status).toBe(401);
  expect(lines.filter((l) => l.rejected).length).toBeGreaterThanOrEqual(4);
});

it('recognises a captured delivery replayed with a new X-Webhook-Id as a duplicate (issue #16 item 10)', async () => {
  const eventId = crypto.randomUUID();
  const body = JSON.stringify({ id: eventId, type: 'message_new', timestamp: new Date().toISOString(), payload: { marker: eventId } });
  const now = String(Math.floor(Date.now() / 1000));
  const signedHeaders = {
    'content-type': 'application/json',
    'x-webhook-signature': hmac(body),
    'x-webhook-timestamp': now,
    'x-webhook-timestamp-signature': hmac(`${now}.${body}`),
  };
  const deliver = (webhookId: string) =>
    fetch(`${url}/webhooks`, { method: 'POST', headers: { ...signedHeaders, 'x-webhook-id': webhookId }, body });
  expect((await deliver(eventId)).status).toBe(204);
  // The replay: same signed bytes within the timestamp window, only the unsigned header changed.
  expect((await deliver(crypto.randomUUID())).status).toBe(204);
  const seen = await eventually(() => {
    const mine = lines.filter((l) => l.payload?.marker === eventId);
    return mine.length === 2 ? mine : undefined;
  }, 'both requests logged');
  expect(seen.map((l: { duplicate: boolean }) => l.duplicate)).toEqual([false, true]);
  expect(seen.map((l: { received: string }) => l.received)).toEqual([eventId, eventId]);
});
