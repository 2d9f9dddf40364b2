/**
 * @module seed: the dialog-list data set, written with bulk SQL (INSERT ... SELECT generate_series) straight into
 * each target's own tables: D dialogs, M messages spread evenly over them, three members per dialog, and one
 * user, `lister`, in every (D / L)-th dialog (L dialogs), with a few unread messages in each. Foreign-key
 * triggers are off while seeding (session_replication_role), then the tables are analyzed. Message texts vary
 * enough for the search scenario (SEARCH_TERMS): a topic word in every message (one of ten), a two-word phrase in
 * 1% (and the same words reversed in another 1%), and a rare word in 1 of 20,000, spread by hash over all dialogs.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface SeedSpec {
  dialogs: number;
  messages: number;
  listerDialogs: number;
}

export const LISTER = 'lister';

/** What the search scenario looks for in the seeded texts. */
export const SEARCH_TERMS = { rare: 'zanzibar', common: 'invoice', phrase: '"delivery delayed"' } as const;

const TOPICS = ['invoice', 'shipment', 'contract', 'payment', 'warehouse', 'customs', 'pallet', 'tender', 'quote', 'container'];

/** The text of seeded message number g (an SQL expression over g, the same for every target). */
function seedContent(g: string): string {
  const pick = (salt: string, n: number) => `abs(hashtext('${salt}' || ${g})) % ${n}`;
  return `'Seeded message ' || ${g} || ': ' || (ARRAY[${TOPICS.map((t) => `'${t}'`).join(', ')}])[${pick('t', TOPICS.length)} + 1]
      || CASE ${pick('p', 100)} WHEN 7 THEN ' delivery delayed' WHEN 8 THEN ' delayed delivery' ELSE ' lorem ipsum' END
      || CASE WHEN ${pick('r', 20000)} = 5 THEN ' ${SEARCH_TERMS.rare}' ELSE '' END || ' dolor sit amet, consectetur adipiscing elit.'`;
}

function shape(s: SeedSpec) {
  const D = s.dialogs;
  const K = Math.max(1, Math.floor(s.messages / D));
  const every = Math.max(1, Math.floor(D / s.listerDialogs));
  return { D, K, M: D * K, every };
}

/**
 * Dialog d (1..D) holds the messages with ids (s-1)*D + d for seq s = 1..K; its newest is seq K. The lister's
 * read position in dialog d is K - d % 5, so its unread counts are 0..4.
 */
export function baselineSeedSql(s: SeedSpec): string[] {
  const { D, K, M, every } = shape(s);
  return [
    `INSERT INTO dialogs (id, title, created_at)
       SELECT g, 'Dialog ' || g, now() - make_interval(mins => g) FROM generate_series(1, ${D}) g`,
    `INSERT INTO members (dialog_id, user_id, last_read_id)
       SELECT g, '${LISTER}', (${K} - g % 5 - 1)::bigint * ${D} + g FROM generate_series(1, ${D}) g WHERE g % ${every} = 0
       UNION ALL SELECT g, 'seed-a' || (g % 1000), ${M} FROM generate_series(1, ${D}) g
       UNION ALL SELECT g, 'seed-b' || (g % 997), ${M} FROM generate_series(1, ${D}) g`,
    `INSERT INTO messages (id, dialog_id, sender_id, content, sent_at)
       SELECT g + 1, g % ${D} + 1, 'seed-a' || ((g % ${D} + 1) % 1000),
              ${seedContent('g')},
              now() - make_interval(secs => ${M} - g)
       FROM generate_series(0, ${M - 1}) g`,
    `SELECT setval('dialogs_id_seq', ${D}), setval('messages_id_seq', ${M})`,
  ];
}

/** The same data set in Parley's tables (deterministic uuids from md5, so rows refer to each other without joins). */
export function parleySeedSql(s: SeedSpec): string[] {
  const { D, K, M, every } = shape(s);
  const msg = (expr: string) => `md5('m' || (${expr}))::uuid`;
  const dlg = (expr: string) => `md5('d' || (${expr}))::uuid`;
  return [
    `INSERT INTO dialogs (id, object_id, object_type, title, created_by, created_at, message_seq, last_message_id, last_message_at)
       SELECT ${dlg('g')}, 'seed-' || g, 'bench', 'Dialog ' || g, 'seed-a' || (g % 1000), now() - make_interval(mins => g),
              ${K}, ${msg(`(${K} - 1)::bigint * ${D} + g`)}, now() - make_interval(secs => ${M} - ((${K} - 1)::bigint * ${D} + g - 1))
       FROM generate_series(1, ${D}) g`,
    `INSERT INTO dialog_participants (dialog_id, user_id, joined_at, joined_as, read_seq, last_read_message_id, display_name)
       SELECT ${dlg('g')}, '${LISTER}', now() - make_interval(mins => g), 'participant', ${K} - g % 5,
              ${msg(`(${K} - g % 5 - 1)::bigint * ${D} + g`)}, 'Lister' FROM generate_series(1, ${D}) g WHERE g % ${every} = 0
       UNION ALL SELECT ${dlg('g')}, 'seed-a' || (g % 1000), now() - make_interval(mins => g), 'creator', ${K},
              ${msg(`(${K} - 1)::bigint * ${D} + g`)}, 'Seed A' FROM generate_series(1, ${D}) g
       UNION ALL SELECT ${dlg('g')}, 'seed-b' || (g % 997), now() - make_interval(mins => g), 'participant', ${K},
              ${msg(`(${K} - 1)::bigint * ${D} + g`)}, 'Seed B' FROM generate_series(1, ${D}) g`,
    `INSERT INTO messages (id, dialog_id, sender_id, content, sent_at, message_type, seq)
       SELECT ${msg('g + 1')}, ${dlg(`g % ${D} + 1`)}, 'seed-a' || ((g % ${D} + 1) % 1000),
              ${seedContent('g')},
              now() - make_interval(secs => ${M} - g), 'user', g / ${D} + 1
       FROM generate_series(0, ${M - 1}) g`,
  ];
}

/** Runs the statements with foreign-key triggers off, then ANALYZE; returns the seconds it took. */
async function run(exec: (sql: string) => Promise<unknown>, statements: string[]): Promise<number> {
  const t0 = performance.now();
  await exec('SET session_replication_role = replica');
  for (const s of statements) await exec(s);
  await exec('SET session_replication_role = origin');
  await exec('ANALYZE');
  return (performance.now() - t0) / 1000;
}

export async function seedPostgres(url: string, schema: string, statements: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await run((sql) => client.query(sql), statements);
  } finally {
    await client.end();
  }
}

/** Seeds a PGlite data directory (the server that owns it must be stopped); also returns its PostgreSQL version. */
export async function seedPglite(dir: string, statements: string[]): Promise<{ secs: number; version: string }> {
  const db = new PGlite(dir);
  await db.waitReady;
  try {
    const secs = await run((sql) => db.exec(sql), statements);
    const v = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { secs, version: String(v.rows[0]?.v ?? '?') };
  } finally {
    await db.close();
  }
}

export function seededCounts(s: SeedSpec): { dialogs: number; messages: number; listerDialogs: number } {
  const { D, M, every } = shape(s);
  return { dialogs: D, messages: M, listerDialogs: Math.floor(D / every) };
}
