/**
 * A real webhook receiver for tests: a node:http server on an ephemeral port that records every request (raw
 * body, headers, arrival time) and answers with the status `respond` picks (200 by default). It can be taken
 * down and brought back on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
  /** The status the receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  requests: Received[];
  /** Requests answered 2xx, in arrival order. */
  delivered(): Received[];
  /** Picks the answer for each request (default 200); a promise holds the answer back until it settles. */
  respond: (r: Omit<Received, 'status'>) => number | Promise<number>;
  /** Takes the receiver down (connections refused) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  const receiver: Receiver = {
    url: '',
    requests: [],
    delivered: () => receiver.requests.filter((r) => r.status >= 200 && r.status < 300),
    respond: () => 200,
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          const r = { headers: req.headers, body, json, at: Date.now() };
          let status = 500;
          try {
            status = await receiver.respond(r);
          } finally {
            receiver.requests.push({ ...r, status });
            res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
          }
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      port = (s.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hooks`;
      server = s;
    },
  };
  await receiver.start();
  return receiver;
}

/** Settings that keep webhook tests fast: short polls and backoff, a secret, all of MTChat's events. */
export function webhookEnv(receiver: Receiver, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_MAX_DELAY_MS: '200',
    WEBHOOK_TIMEOUT_SECS: '5',
    JOB_POLL_INTERVAL_MS: '50',
    NOTIFICATION_DELAY_SECS: '3600',
    ...extra,
  };
}
