/**
 * @module scenarios/webhooks: the send scenario with WEBHOOK_URL set. A Parley server of its own is started with
 * webhooks pointed at a receiver in the driver (which answers 204 at once), and the throughput scenario runs
 * against it; the receiver counts `message_new` deliveries and their lag: from the intended send time (in the
 * message's content) to the receipt of its webhook.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Figures, type ScenarioResult } from '../result.js';
import { Samples, until } from '../stats.js';
import type { Target } from '../targets.js';
import { throughput, type ThroughputPlan } from './throughput.js';

const CONTENT = /^b (\d+) ([\d.]+) /;

export interface WebhookReceiver {
  url: string;
  received: number;
  lag: Samples;
  first: number;
  last: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const r: WebhookReceiver = { url: '', received: 0, lag: new Samples(), first: 0, last: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const at = performance.now();
      res.writeHead(204).end();
      try {
        const env = JSON.parse(body) as { type?: string; payload?: { message?: { content?: string } } };
        const m = env.type === 'message_new' ? CONTENT.exec(env.payload?.message?.content ?? '') : null;
        if (!m) return;
        r.received++;
        r.lag.add(at - Number(m[2]));
        r.first ||= at;
        r.last = at;
      } catch {
        // not ours
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

/** Runs the throughput scenario on `t` (started with WEBHOOK_URL = receiver.url) and adds the webhook figures. */
export async function sendWithWebhooks(
  t: Target,
  plan: ThroughputPlan,
  receiver: WebhookReceiver,
  log: (s: string) => void,
): Promise<ScenarioResult> {
  // Every acknowledged send owes one message_new webhook: count them on the way.
  let acked = 0;
  const counting: Target = Object.assign(Object.create(t) as Target, {
    send: async (user: string, dialogId: string, content: string) => {
      await t.send(user, dialogId, content);
      acked++;
    },
  });
  const sends = await throughput(counting, plan, log);
  await until(() => receiver.received >= acked, 30_000);
  const f = new Figures();
  f.add(
    'webhook deliveries/s',
    receiver.last > receiver.first ? receiver.received / ((receiver.last - receiver.first) / 1000) : 0,
    '/s',
    'higher',
  )
    .add('webhook lag p50', receiver.lag.p(50), 'ms', 'lower')
    .add('webhook lag p99', receiver.lag.p(99), 'ms', 'lower')
    .add('webhooks missing', Math.max(0, acked - receiver.received), '', 'lower');
  log(`  webhooks: ${receiver.received} of ${acked} received, lag p99 ${receiver.lag.p(99)?.toFixed(1)} ms`);
  return {
    metrics: [...sends.metrics, ...f.metrics],
    notes: [...sends.notes, `webhooks: ${receiver.received} message_new deliveries for ${acked} acknowledged sends`],
  };
}
