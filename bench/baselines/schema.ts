/**
 * @module baselines/schema: the tables and the three queries both baselines share (raw and socket.io): the same
 * durable work as Parley's send (one INSERT), its resume (messages after a cursor in the user's dialogs) and its
 * dialog list (one page with participant count, last message and unread count, in one statement).
 */
import pg from 'pg';

export const TABLES = `
CREATE TABLE IF NOT EXISTS dialogs (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dialogs_created_idx ON dialogs (created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS members (
  dialog_id bigint NOT NULL REFERENCES dialogs(id),
  user_id text NOT NULL,
  last_read_id bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (dialog_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_user_idx ON members (user_id, dialog_id);
CREATE TABLE IF NOT EXISTS messages (
  id bigserial PRIMARY KEY,
  dialog_id bigint NOT NULL REFERENCES dialogs(id),
  sender_id text NOT NULL,
  content text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS messages_dialog_idx ON messages (dialog_id, id);
`;

export const INSERT_MESSAGE = 'INSERT INTO messages (dialog_id, sender_id, content) VALUES ($1, $2, $3) RETURNING id, sent_at';

/** Messages after `$2` in the dialogs of user `$1`, oldest first (what a reconnecting client missed). */
export const MISSED = `
SELECT m.id, m.dialog_id, m.sender_id, m.content, m.sent_at
FROM members p JOIN messages m ON m.dialog_id = p.dialog_id AND m.id > $2
WHERE p.user_id = $1
ORDER BY m.id
LIMIT 1000`;

/** One page of a user's dialogs, newest first, with what a dialog list shows. */
export const DIALOG_LIST = `
SELECT d.id, d.title, d.created_at,
  (SELECT count(*) FROM members c WHERE c.dialog_id = d.id) AS participants_count,
  (SELECT count(*) FROM messages u WHERE u.dialog_id = d.id AND u.id > p.last_read_id) AS unread_count,
  lm.id AS last_message_id, lm.content AS last_message, lm.sender_id AS last_sender_id, lm.sent_at AS last_message_at
FROM members p
JOIN dialogs d ON d.id = p.dialog_id
LEFT JOIN LATERAL (SELECT id, content, sender_id, sent_at FROM messages m WHERE m.dialog_id = d.id ORDER BY m.id DESC LIMIT 1) lm ON true
WHERE p.user_id = $1
ORDER BY d.created_at DESC, d.id DESC
LIMIT 50`;

/** A pool on DATABASE_URL whose connections use DATABASE_SCHEMA; creates the schema and the tables. */
export async function openPool(): Promise<pg.Pool> {
  const url = process.env.DATABASE_URL;
  const schema = process.env.DATABASE_SCHEMA;
  if (!url || !schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('DATABASE_URL and DATABASE_SCHEMA are required');
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await setup.query(`SET search_path = ${schema}`);
  await setup.query(TABLES);
  await setup.end();
  const pool = new pg.Pool({ connectionString: url, max: 20, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  return pool;
}

/** Creates a dialog and its members (used by the driver's setup, never measured). */
export async function createDialog(pool: pg.Pool, title: string, members: string[]): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('INSERT INTO dialogs (title) VALUES ($1) RETURNING id', [title]);
  const id = rows[0]!.id;
  await pool.query('INSERT INTO members (dialog_id, user_id) SELECT $1, unnest($2::text[])', [id, members]);
  return id;
}
