/**
 * @module realtime/replay-view: what a resume shows of a message that was edited or deleted after its events
 * were logged. The log keeps history (webhooks read it as it happened), but a replay must not bring back text
 * that its author has since changed or removed (docs/events.md, "What a resume shows"):
 * - a deleted message: its `message.new`, `message.edited` and `message.attachments_updated` events are left
 *   out; its `message.deleted` stays;
 * - an edited message: its `message.new` and every `message.edited` show the text and `last_edited_at` it has now.
 * One query per replay batch reads the current rows of the messages the batch mentions.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import { timestamp } from '../wire.js';
import type { LogEvent } from './log.js';

const TEXT_EVENTS = new Set(['message.new', 'message.edited']);
/** Events that show something of a message, and go when it does. */
const MESSAGE_EVENTS = new Set([...TEXT_EVENTS, 'message.attachments_updated']);

/** The batch as it should be replayed now; events it changes are new objects (the originals stay shareable). */
export async function asTheyReadNow(db: Kysely<Database>, events: readonly LogEvent[]): Promise<LogEvent[]> {
  const ids = [...new Set(events.filter((e) => MESSAGE_EVENTS.has(e.type)).map((e) => String(e.payload.id)))];
  if (ids.length === 0) return [...events];
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'content', 'last_edited_at'])
    .where(sql<boolean>`id = ANY(${ids}::uuid[])`)
    .execute();
  const now = new Map(rows.map((r) => [r.id, r]));
  const out: LogEvent[] = [];
  for (const e of events) {
    if (!MESSAGE_EVENTS.has(e.type)) {
      out.push(e);
      continue;
    }
    const current = now.get(String(e.payload.id));
    if (!current) continue; // deleted since: its text is gone for everyone
    if (!TEXT_EVENTS.has(e.type)) {
      out.push(e);
      continue;
    }
    const editedAt = current.last_edited_at === null ? null : timestamp(current.last_edited_at);
    if (e.payload.content === current.content && (e.type !== 'message.new' || (e.payload.last_edited_at ?? null) === editedAt)) {
      out.push(e);
      continue;
    }
    out.push({ ...e, payload: { ...e.payload, content: current.content, last_edited_at: editedAt } });
  }
  return out;
}
