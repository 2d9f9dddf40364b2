/**
 * @module baselines/socketio: the peer, what a developer would otherwise build: a socket.io chat server with
 * PostgreSQL persistence. A socket joins one room per dialog it belongs to; a message is an event with an
 * acknowledgement, stored with one INSERT and broadcast to the dialog's room; a reconnecting client passes the
 * last message id it saw (`auth.offset`) and gets what it missed. The user is taken from `auth.user_id` as is
 * (no token check) and nothing is validated. Env: PORT, DATABASE_URL, DATABASE_SCHEMA.
 *
 *   POST /dialogs {title, members} -> {id}   (setup, plain HTTP)
 *   emit('message', {dialog_id, content}, ack) -> ack({id, sent_at})
 *   emit('dialogs', ack)                       -> ack({data: [...]})
 *   on('connected') once the rooms are joined; on('message') for every new message
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createDialog, DIALOG_LIST, INSERT_MESSAGE, MISSED, openPool } from './schema.js';

const pool = await openPool();

const http = createServer((req, res) => {
  const send = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.url === '/health') return send(200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/dialogs') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      createDialog(pool, b.title, b.members).then(
        (id) => send(200, { id }),
        (err: unknown) => send(500, { error: String(err) }),
      );
    });
    return;
  }
  // socket.io answers its own path; everything else is unknown.
  if (!req.url?.startsWith('/socket.io/')) send(404, { error: 'not found' });
});

const io = new Server(http, { transports: ['websocket'], serveClient: false });

io.on('connection', async (socket) => {
  const user = String(socket.handshake.auth.user_id ?? '');
  socket.on('message', async (m: { dialog_id: string; content: string }, ack: (r: unknown) => void) => {
    const room = `d${m.dialog_id}`;
    if (!socket.rooms.has(room)) return ack({ error: 'not a member' });
    try {
      const { rows } = await pool.query<{ id: string; sent_at: Date }>(INSERT_MESSAGE, [m.dialog_id, user, m.content]);
      const row = rows[0]!;
      io.to(room).emit('message', {
        type: 'message.new',
        id: row.id,
        dialog_id: m.dialog_id,
        sender_id: user,
        content: m.content,
        sent_at: row.sent_at,
      });
      ack({ id: row.id, sent_at: row.sent_at });
    } catch (err) {
      ack({ error: String(err) });
    }
  });

  socket.on('dialogs', async (ack: (r: unknown) => void) => {
    try {
      ack({ data: (await pool.query(DIALOG_LIST, [user])).rows });
    } catch (err) {
      ack({ error: String(err) });
    }
  });

  // The rooms are joined once the handlers are in place, so nothing sent after `connected` is lost.
  try {
    const { rows } = await pool.query<{ dialog_id: string }>('SELECT dialog_id FROM members WHERE user_id = $1', [user]);
    socket.join(rows.map((r) => `d${r.dialog_id}`));
    socket.emit('connected');
    const offset = socket.handshake.auth.offset;
    if (offset !== undefined) {
      const missed = await pool.query(MISSED, [user, offset]);
      for (const m of missed.rows) socket.emit('message', { type: 'message.new', ...m });
    }
  } catch {
    socket.disconnect(true);
  }
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  void pool.end().finally(() => process.exit(0));
});
