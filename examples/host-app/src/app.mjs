/**
 * The demo host application: a plain Node HTTP server (no framework) that signs people in with a cookie, mints
 * Parley tokens for them, keeps one Parley dialog per order, receives and verifies Parley's webhooks, and runs a
 * small support agent that answers when it is mentioned or asked about an order's status. Each user also has a
 * chat with Parley's built-in demo agent (streamed replies, stop, widgets, errors).
 *
 *   const host = await startHostApp({ parleyUrl, adminToken, webhookSecret, port: 5199 });
 */
import { createHmac, timingSafeEqual, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { AGENT, ORDERS, userById } from './data.mjs';
import { agentReply, parleyAdmin } from './parley.mjs';
import { chatPage, orderPage, ordersPage, renderLogRows, signInPage, webhooksPage } from './pages.mjs';

function verified(secret, headers, body) {
  const sig = headers['x-webhook-signature'];
  if (typeof sig !== 'string' || !sig.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(sig.slice(7));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const cookie = (req, name) =>
  (req.headers.cookie ?? '')
    .split(/;\s*/)
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/**
 * Starts the host app. `parleyUrl` may be set later with `setParley` (Parley needs the webhook address first).
 * @param {{ parleyUrl?: string, adminToken?: string, webhookSecret: string, port?: number, host?: string, agentDelayMs?: number }} options
 */
export async function startHostApp(options) {
  let parleyUrl = options.parleyUrl;
  let admin = parleyUrl && options.adminToken ? parleyAdmin(parleyUrl, options.adminToken) : undefined;
  const sessions = new Map();
  const log = [];
  let dialogs = {};
  let assistantDialogs = {};
  let url = '';

  async function agentAnswer(payload) {
    const message = payload.message;
    if (!admin || !message || message.sender_id === AGENT.id || payload.object_type !== 'order') return;
    const order = ORDERS.find((o) => o.id === payload.object_id);
    const text = message.content.toLowerCase();
    const mentioned = message.content.includes(`data-id="${AGENT.id}"`);
    if (!order || !(mentioned || text.includes('status'))) return;
    const who = userById(message.sender_id)?.name.split(' ')[0] ?? 'there';
    // A fresh short-lived token per answer: the agent is just another user of the Chat API.
    const agentToken = await admin.mint(AGENT.id, 120);
    const reply = `<p>Hi ${who}! Order #${order.id} (${order.item}) is <strong>${order.status}</strong>, ETA ${order.eta}. Bob will follow up here if you need more.</p>`;
    await agentReply(parleyUrl, agentToken, payload.dialog_id, reply, message.id);
  }

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status, body, type = 'text/html; charset=utf-8', headers = {}) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    try {
      if (req.method === 'POST' && path === '/webhooks') {
        const body = await readBody(req);
        const ok = verified(options.webhookSecret, req.headers, body);
        let envelope = {};
        try {
          envelope = JSON.parse(body);
        } catch {
          /* logged as is */
        }
        log.push({
          received_at: new Date().toISOString(),
          event: req.headers['x-webhook-event'] ?? envelope.type,
          verified: ok,
          payload: envelope.payload ?? body,
        });
        if (log.length > 500) log.shift();
        send(ok ? 200 : 401, ok ? 'ok' : 'bad signature', 'text/plain');
        if (ok && req.headers['x-webhook-event'] === 'message.new') {
          agentAnswer(envelope.payload).catch((err) => console.error('[demo agent]', err.message));
        }
        return;
      }
      if (req.method === 'GET' && path === '/api/webhooks') return send(200, JSON.stringify(log), 'application/json');
      if (req.method === 'GET' && path === '/api/webhooks/rows') return send(200, renderLogRows(log));
      if (req.method === 'POST' && path === '/signin') {
        const form = new URLSearchParams(await readBody(req));
        const user = userById(form.get('user') ?? '');
        if (!user) return send(400, 'unknown user', 'text/plain');
        const sid = randomBytes(16).toString('hex');
        sessions.set(sid, user.id);
        return send(303, '', 'text/plain', { location: '/chat', 'set-cookie': `demo_sid=${sid}; Path=/; HttpOnly; SameSite=Lax` });
      }
      if (path === '/signout') return send(303, '', 'text/plain', { location: '/', 'set-cookie': 'demo_sid=; Path=/; Max-Age=0' });
      const user = userById(sessions.get(cookie(req, 'demo_sid') ?? '') ?? '');
      if (path === '/' || !user) {
        if (path.startsWith('/api/')) return send(401, JSON.stringify({ error: 'sign in first' }), 'application/json');
        return send(200, signInPage({ parleyUrl }));
      }
      if (!admin) return send(503, 'Parley is not connected yet', 'text/plain');
      // The page's <parley-chat> asks here for a token whenever it needs one (first use, before expiry, after a 401).
      if (path === '/api/parley-token') return send(200, await admin.mint(user.id), 'text/plain', { 'cache-control': 'no-store' });
      if (path === '/chat') return send(200, chatPage({ parleyUrl, user }));
      if (path === '/orders') return send(200, ordersPage({ parleyUrl, user }));
      if (path.startsWith('/orders/')) {
        const page = orderPage({ parleyUrl, user, orderId: path.slice('/orders/'.length) });
        return page ? send(200, page) : send(404, 'no such order', 'text/plain');
      }
      if (path === '/webhooks') return send(200, webhooksPage({ parleyUrl, user, log }));
      send(404, 'not found', 'text/plain');
    } catch (err) {
      console.error('[demo]', err);
      send(500, 'demo error', 'text/plain');
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    log,
    get dialogs() {
      return dialogs;
    },
    /** User id → that user's dialog with Parley's built-in demo agent. */
    get assistantDialogs() {
      return assistantDialogs;
    },
    /** Connects the host to Parley and creates the order dialogs. */
    async setParley(newUrl, adminToken) {
      parleyUrl = newUrl;
      admin = parleyAdmin(newUrl, adminToken);
      dialogs = await admin.ensureOrderDialogs(url);
      assistantDialogs = await admin.ensureAssistantDialogs();
      return dialogs;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
