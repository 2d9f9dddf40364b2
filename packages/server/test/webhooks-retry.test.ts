/**
 * Webhook retries and failures: a 5xx is retried with the same id, body and signature; 408/429 are retried;
 * any other 4xx fails at once and is kept as failed; a receiver that is down and then up loses nothing; the
 * Management API lists deliveries by status and redelivers one, or all failed since a point.
 */
import { describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Receiver } from './support/webhook-receiver.js';
import { deliveredMessageId as messageId, webhookServerPerFile } from './support/webhook-server.js';
import { eventually } from './support/poll.js';

let receiver: Receiver;
let server: TestServer;
webhookServerPerFile((r, s) => {
  receiver = r;
  server = s;
});

const attemptsOf = (id: string) => receiver.requests.filter((r) => messageId(r) === id);

async function dialogWithSender(s: TestServer = server) {
  const u = unique('sender');
  const d = await createDialog(s, { participants: [person(u), person(unique('peer'))] });
  return { d, api: await chatUser(s, u) };
}

async function delivery(s: TestServer, id: string) {
  const res = await s.admin.get(`/api/v1/management/webhooks/deliveries/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe('retries', () => {
  it('retries after a 5xx with the same id, body and signatures until the receiver accepts', async () => {
    const { d, api } = await dialogWithSender();
    let failures = 0;
    receiver.respond = (r) => (r.json?.payload?.dialog_id === d.id && failures++ < 2 ? 503 : 200);
    const msg = await send(api, d.id, 'retry me');
    await eventually(() => attemptsOf(msg.id).some((r) => r.status === 200), 'accepted');
    const attempts = attemptsOf(msg.id);
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(attempts.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    expect(new Set(attempts.map((r) => r.headers['x-webhook-signature'])).size).toBe(1);
    const id = String(attempts[0]!.headers['x-webhook-id']);
    await eventually(async () => (await delivery(server, id)).status === 'delivered', 'recorded as delivered');
    expect(await delivery(server, id)).toMatchObject({
      id,
      event: 'message.new',
      type: 'message_new',
      status: 'delivered',
      attempts: 3,
      last_status_code: 200,
    });
  });

  it('retries 408 and 429, which are not permanent', async () => {
    const { d, api } = await dialogWithSender();
    const answers = [408, 429, 200];
    receiver.respond = (r) => (r.json?.payload?.dialog_id === d.id ? (answers.shift() ?? 200) : 200);
    const msg = await send(api, d.id, 'busy');
    await eventually(() => attemptsOf(msg.id).some((r) => r.status === 200), 'accepted');
    expect(attemptsOf(msg.id).map((r) => r.status)).toEqual([408, 429, 200]);
  });

  it('fails a delivery answered with another 4xx at once, keeps it as failed, and lets the dialog go on', async () => {
    const { d, api } = await dialogWithSender();
    receiver.respond = (r) => (r.json?.payload?.message?.content === 'rejected' ? 400 : 200);
    const rejected = await send(api, d.id, 'rejected');
    const next = await send(api, d.id, 'accepted');
    await eventually(() => attemptsOf(next.id).some((r) => r.status === 200), 'next delivered');
    expect(attemptsOf(rejected.id).map((r) => r.status)).toEqual([400]);
    const id = String(attemptsOf(rejected.id)[0]!.headers['x-webhook-id']);
    const failed = await delivery(server, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400, last_error: 'HTTP 400', next_attempt_at: null });
    expect(failed.failed_at).toEqual(expect.any(String));
    expect(failed.body.id).toBe(id);

    const listed = await server.admin.get('/api/v1/management/webhooks/deliveries?status=failed');
    expect(listed.body.data.deliveries.map((x: any) => x.id)).toContain(id);
    expect(listed.body.data.deliveries.every((x: any) => x.status === 'failed')).toBe(true);

    // Redelivered once the receiver is fixed: the same id and body again.
    receiver.respond = () => 200;
    const res = await server.admin.post(`/api/v1/management/webhooks/deliveries/${id}/redeliver`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id, status: 'pending' });
    await eventually(() => attemptsOf(rejected.id).some((r) => r.status === 200), 'redelivered');
    const again = attemptsOf(rejected.id).at(-1)!;
    expect(again.headers['x-webhook-id']).toBe(id);
    expect(again.body).toBe(attemptsOf(rejected.id)[0]!.body);
    await eventually(async () => (await delivery(server, id)).status === 'delivered', 'delivered');
  });
});

describe('a receiver that is down', () => {
  it('loses nothing: every delivery arrives once it is back, each once, in order per dialog', async () => {
    receiver.respond = () => 200;
    const a = await dialogWithSender();
    const b = await dialogWithSender();
    await receiver.stop();
    const sent: Array<{ id: string; dialog_id: string }> = [];
    for (let i = 0; i < 4; i += 1) {
      sent.push(await send(a.api, a.d.id, `a${i}`));
      sent.push(await send(b.api, b.d.id, `b${i}`));
    }
    // Both heads are being retried while the receiver refuses connections.
    await eventually(async () => {
      const res = await server.admin.get('/api/v1/management/webhooks/deliveries?status=pending&limit=500');
      const heads = res.body.data.deliveries.filter((x: any) => x.attempts >= 2);
      return heads.length >= 2 && heads;
    }, 'retrying');
    const before = receiver.requests.length;
    await receiver.start();
    await eventually(() => sent.every((m) => attemptsOf(m.id).some((r) => r.status === 200)), 'all delivered');
    for (const m of sent) expect(attemptsOf(m.id)).toHaveLength(1);
    const arrivals = receiver.requests.slice(before).map(messageId);
    const order = (dialogId: string) => arrivals.filter((id) => sent.some((m) => m.id === id && m.dialog_id === dialogId));
    expect(order(a.d.id)).toEqual(sent.filter((m) => m.dialog_id === a.d.id).map((m) => m.id));
    expect(order(b.d.id)).toEqual(sent.filter((m) => m.dialog_id === b.d.id).map((m) => m.id));
  });
});

describe('retry window', () => {
  it('marks a delivery failed when WEBHOOK_RETRY_MAX_SECS has passed, and redelivers all failed since a delivery id', async () => {
    const rx = await startReceiver();
    const s = await startServer(webhookEnv(rx, { WEBHOOK_RETRY_MAX_SECS: '0' }));
    try {
      rx.respond = () => 500;
      const { d, api } = await dialogWithSender(s);
      const m1 = await send(api, d.id, 'one');
      const m2 = await send(api, d.id, 'two');
      const failed = await eventually(async () => {
        const res = await s.admin.get('/api/v1/management/webhooks/deliveries?status=failed');
        return res.body.data.deliveries.length === 2 && res.body.data.deliveries;
      }, 'both failed');
      expect(failed.map((x: any) => x.attempts)).toEqual([1, 1]);

      rx.respond = () => 200;
      const res = await s.admin.post('/api/v1/management/webhooks/deliveries/redeliver', { since_id: failed[1].id });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ requeued: 1 });
      await eventually(() => rx.delivered().some((r) => r.json.payload.message.id === m2.id), 'second redelivered');
      expect(rx.delivered().some((r) => r.json.payload.message.id === m1.id)).toBe(false);

      const all = await s.admin.post('/api/v1/management/webhooks/deliveries/redeliver', { since: '2000-01-01T00:00:00Z', status: 'all' });
      expect(all.body.data).toEqual({ requeued: 2 });
      await eventually(() => rx.delivered().some((r) => r.json.payload.message.id === m1.id), 'first redelivered');
    } finally {
      await s.close();
      await rx.stop();
    }
  });
});

describe('management API', () => {
  it('pages deliveries oldest first and filters by status', async () => {
    receiver.respond = () => 200;
    const { d, api } = await dialogWithSender();
    for (let i = 0; i < 3; i += 1) await send(api, d.id, `page ${i}`);
    await eventually(async () => {
      const res = await server.admin.get('/api/v1/management/jobs');
      return res.body.data.webhooks.pending === 0;
    }, 'delivered');
    const all = (await server.admin.get('/api/v1/management/webhooks/deliveries?limit=500')).body.data.deliveries;
    const first = await server.admin.get('/api/v1/management/webhooks/deliveries?limit=2');
    expect(first.body.data.deliveries.map((x: any) => x.id)).toEqual(all.slice(0, 2).map((x: any) => x.id));
    expect(first.body.data.next_cursor).toBe(all[1].id);
    const second = await server.admin.get(`/api/v1/management/webhooks/deliveries?limit=2&after=${first.body.data.next_cursor}`);
    expect(second.body.data.deliveries.map((x: any) => x.id)).toEqual(all.slice(2, 4).map((x: any) => x.id));
    const delivered = await server.admin.get('/api/v1/management/webhooks/deliveries?status=delivered&limit=500');
    expect(delivered.body.data.deliveries.every((x: any) => x.status === 'delivered')).toBe(true);
    expect(Object.keys(all[0])).toEqual([
      'id',
      'event',
      'type',
      'dialog_id',
      'status',
      'attempts',
      'created_at',
      'next_attempt_at',
      'last_attempt_at',
      'last_status_code',
      'last_error',
      'delivered_at',
      'failed_at',
    ]);
  });

  it('answers errors in the JSON envelope and requires the admin token', async () => {
    expectError(await server.admin.get(`/api/v1/management/webhooks/deliveries/${crypto.randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await server.admin.post(`/api/v1/management/webhooks/deliveries/${crypto.randomUUID()}/redeliver`), 404, 'NOT_FOUND');
    expectError(await server.admin.get('/api/v1/management/webhooks/deliveries?status=lost'), 400, 'INVALID_INPUT');
    expectError(await server.admin.post('/api/v1/management/webhooks/deliveries/redeliver', {}), 400, 'INVALID_INPUT');
    expectError(await server.anon().get('/api/v1/management/webhooks/deliveries'), 401, 'UNAUTHORIZED');
    expectError(await server.anon().get('/api/v1/management/jobs'), 401, 'UNAUTHORIZED');
  });
});
