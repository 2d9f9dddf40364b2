/**
 * @module realtime/log: reading the event log for delivery. The one rule of who may see an event lives here,
 * over the columns events/audience.ts wrote (`recipients`: for a batch of events, which of some users may see
 * each), used by the hub for live delivery and by resumes (realtime/replay-reader.ts). An event goes to the
 * CURRENT members of its dialog when `to_members`, plus the users in `to_users`.
 */
import { sql, type Kysely } from 'kysely';
import { DialogEvent } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';

export interface LogEvent {
  id: number;
  dialog_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  to_members: boolean;
  to_users: string[];
}

type Db = Kysely<Database>;

function row(r: {
  id: unknown;
  dialog_id: string | null;
  type: string;
  payload: unknown;
  to_members: boolean;
  to_users: string[];
}): LogEvent {
  const payload =
    typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : (r.payload as Record<string, unknown>);
  return { id: Number(r.id), dialog_id: r.dialog_id, type: r.type, payload, to_members: r.to_members, to_users: r.to_users ?? [] };
}

const COLUMNS = ['id', 'dialog_id', 'type', 'payload', 'to_members', 'to_users'] as const;

/** The next events after `cursor` and up to `through` (the horizon), for everyone (the hub's read). */
export async function readAfter(db: Db, cursor: number, through: number, limit: number): Promise<LogEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(COLUMNS)
    .where(sql<boolean>`id > ${cursor} AND id <= ${through}`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(row);
}

/** For each event of a batch, which of `users` (the ones connected here) may see it now. */
export async function recipients(db: Db, events: readonly LogEvent[], users: readonly string[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (users.length === 0) return out;
  const local = new Set(users);
  const dialogs = [...new Set(events.filter((e) => e.to_members && e.dialog_id).map((e) => e.dialog_id!))];
  const members = new Map<string, string[]>();
  if (dialogs.length > 0) {
    const rows = await db
      .selectFrom('dialog_participants')
      .select(['dialog_id', 'user_id'])
      .where(sql<boolean>`dialog_id = ANY(${dialogs}::uuid[])`)
      .where(sql<boolean>`user_id = ANY(${[...local]}::text[])`)
      .execute();
    for (const r of rows) members.set(r.dialog_id, [...(members.get(r.dialog_id) ?? []), r.user_id]);
  }
  for (const e of events) {
    const to = new Set(e.to_members && e.dialog_id ? (members.get(e.dialog_id) ?? []) : []);
    for (const u of e.to_users) if (local.has(u)) to.add(u);
    if (to.size > 0) out.set(e.id, [...to]);
  }
  return out;
}

/** The last id in the log (0 when empty). */
export async function head(db: Db): Promise<number> {
  const r = await sql<{ id: unknown }>`SELECT coalesce(max(id), 0) AS id FROM events`.execute(db);
  return Number(r.rows[0]?.id ?? 0);
}

/** Events up to this id have been pruned by retention: a cursor below it cannot be resumed. */
export async function prunedThrough(db: Db): Promise<number> {
  const r = await sql<{ id: unknown }>`SELECT pruned_through AS id FROM event_log_state`.execute(db);
  return Number(r.rows[0]?.id ?? 0);
}

/** Field order per event type, from the protocol schemas (jsonb does not keep the order it was given). */
const FIELDS = new Map<string, string[]>(
  DialogEvent.options.map((o) => [o.shape.type.value as string, Object.keys(o.shape).filter((k) => k !== 'type' && k !== 'event_id')]),
);

/**
 * The event as it goes on the wire: MTChat's flat shape, its fields in MTChat's order, then `event_id`. A
 * message's stored `files` never go out as such: `attachments` (signed for the reader, realtime/frames.ts) do.
 */
export function wireEvent(e: LogEvent, attachments?: unknown[]): Record<string, unknown> {
  const payload = attachments ? { ...e.payload, attachments } : e.payload;
  const out: Record<string, unknown> = { type: e.type };
  const known = FIELDS.get(e.type) ?? [];
  for (const k of known) if (payload[k] !== undefined) out[k] = payload[k];
  for (const [k, v] of Object.entries(payload)) if (!(k in out) && k !== 'files' && v !== undefined) out[k] = v;
  out.event_id = e.id;
  return out;
}
