#!/usr/bin/env node
/**
 * A Parley (and MTChat) webhook receiver with no dependencies: verifies the signatures and the timestamp,
 * drops duplicates by the envelope's `id` (inside the signed body: X-Webhook-Id is not signed, so a replay could
 * change it), and prints one JSON line per request. See docs/webhooks.md.
 *
 *   WEBHOOK_SECRET=... PORT=3000 node receiver.mjs
 *
 * PORT=0 picks a free port; the first line printed is `listening on http://127.0.0.1:<port>`.
 * TOLERANCE_SECS (default 300) is how old X-Webhook-Timestamp may be. ALLOW_NO_TIMESTAMP=1 accepts requests
 * without it (MTChat sends only X-Webhook-Signature).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('WEBHOOK_SECRET is required');
  process.exit(1);
}
const toleranceSecs = Number(process.env.TOLERANCE_SECS ?? 300);
const allowNoTimestamp = process.env.ALLOW_NO_TIMESTAMP === '1';

/** True when `header` is `sha256=<hex HMAC-SHA256(secret, data)>`, compared in constant time. */
function signed(header, data) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(data).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Returns why the request must be rejected, or null. `body` is the raw body, exactly as received. */
function verify(headers, body) {
  if (!signed(headers['x-webhook-signature'], body)) return 'bad X-Webhook-Signature';
  const ts = headers['x-webhook-timestamp'];
  if (ts === undefined) return allowNoTimestamp ? null : 'missing X-Webhook-Timestamp';
  if (!/^\d+$/.test(ts)) return 'bad X-Webhook-Timestamp';
  if (Math.abs(Date.now() / 1000 - Number(ts)) > toleranceSecs) return 'stale X-Webhook-Timestamp (replay?)';
  if (!signed(headers['x-webhook-timestamp-signature'], `${ts}.${body}`)) return 'bad X-Webhook-Timestamp-Signature';
  return null;
}

// Ids already handled. Parley retries a delivery for up to WEBHOOK_RETRY_MAX_SECS (24 h by default), so keep
// them at least that long; a real receiver stores them with its own data (a unique key), not in memory.
const seen = new Map();
const KEEP_MS = 48 * 3600 * 1000;
function firstTime(id) {
  const now = Date.now();
  for (const [k, at] of seen) if (now - at > KEEP_MS) seen.delete(k);
  if (seen.has(id)) return false;
  seen.set(id, now);
  return true;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const problem = req.method === 'POST' ? verify(req.headers, body) : 'POST only';
    if (problem) {
      console.log(JSON.stringify({ rejected: problem }));
      res.writeHead(401, { 'content-type': 'text/plain' }).end(problem);
      return;
    }
    let envelope;
    try {
      envelope = JSON.parse(body);
    } catch {
      res.writeHead(400).end('bad JSON');
      return;
    }
    // The id to deduplicate on is the signed one, in the body; the X-Webhook-Id header is a copy anyone can change.
    const id = envelope.id;
    if (typeof id !== 'string' || id === '') {
      res.writeHead(400).end('no envelope id');
      return;
    }
    const duplicate = !firstTime(id);
    // Handle the event here (only when !duplicate); answer 2xx quickly, or Parley retries.
    console.log(
      JSON.stringify({ received: id, event: req.headers['x-webhook-event'], type: envelope.type, duplicate, payload: envelope.payload }),
    );
    res.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
