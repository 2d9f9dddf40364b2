/**
 * @module baselines/raw: the smallest program that does Parley's durable work, our practical limit on this
 * machine: node:http, one pg INSERT per message, one JSON serialization broadcast over ws to the members' sockets.
 * No authentication, no validation, no event log. Env: PORT, DATABASE_URL, DATABASE_SCHEMA.
 *
 *   POST /dialogs {title, members}                 -> {id}        (setup)
 *   POST /messages {dialog_id, sender_id, content}  -> {id, sent_at}
 *   GET  /dialogs?user_id=U                         -> {data: [...]} (one page, one query)
 *   GET  /ws?user_id=U[&last_id=N]                  -> {"type":"connected"}, missed messages, then live ones
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDialog, DIALOG_LIST, INSERT_MESSAGE, MISSED, openPool } from './schema.js';

const pool = await openPool();
const sockets = new Map<string, Set<WebSocket>>();
const members = new Map<string, Promise<string[]>>();

function membersOf(dialogId: string): Promise<string[]> {
  let m = members.get(dialogId);
  if (!m) {
    m = pool
      .query<{ user_id: string }>('SELECT user_id FROM members WHERE dialog_id = $1', [dialogId])
      .then((r) => r.rows.map((x) => x.user_id));
    members.set(dialogId, m);
  }
  return m;
}

function frame(row: { id: string; dialog_id: string; sender_id: string; content: string; sent_at: Date }): string {
  return JSON.stringify({
    type: 'message.new',
    id: row.id,
    dialog_id: row.dialog_id,
    sender_id: row.sender_id,
    content: row.content,
    sent_at: row.sent_at,
  });
}

async function body(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/messages') {
    const b = await body(req);
    const { rows } = await pool.query<{ id: string; sent_at: Date }>(INSERT_MESSAGE, [b.dialog_id, b.sender_id, b.content]);
    const row = rows[0]!;
    const text = frame({ id: row.id, dialog_id: String(b.dialog_id), sender_id: b.sender_id, content: b.content, sent_at: row.sent_at });
    for (const user of await membersOf(String(b.dialog_id))) for (const ws of sockets.get(user) ?? []) ws.send(text);
    return reply(res, 200, { id: row.id, sent_at: row.sent_at });
  }
  if (req.method === 'GET' && url.pathname === '/dialogs') {
    const { rows } = await pool.query(DIALOG_LIST, [url.searchParams.get('user_id')]);
    return reply(res, 200, { data: rows });
  }
  if (req.method === 'POST' && url.pathname === '/dialogs') {
    const b = await body(req);
    return reply(res, 200, { id: await createDialog(pool, b.title, b.members) });
  }
  if (url.pathname === '/health') return reply(res, 200, { status: 'ok' });
  reply(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => reply(res, 500, { error: String(err) }));
});
const wss = new WebSocketServer({ noServer: true });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const user = url.searchParams.get('user_id');
  if (url.pathname !== '/ws' || !user) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const set = sockets.get(user) ?? new Set<WebSocket>();
    set.add(ws);
    sockets.set(user, set);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) sockets.delete(user);
    });
    ws.on('message', (data) => {
      if (String(data) === '{"type":"ping"}') ws.send('{"type":"pong"}');
    });
    ws.send('{"type":"connected"}');
    const lastId = url.searchParams.get('last_id');
    if (lastId !== null) {
      pool.query(MISSED, [user, lastId]).then(
        (r) => {
          for (const row of r.rows) ws.send(frame(row));
        },
        () => ws.close(1011),
      );
    }
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  void pool.end().finally(() => process.exit(0));
});
