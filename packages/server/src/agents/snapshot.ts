/**
 * @module agents/snapshot: what a connection that opens mid-stream needs: each pending agent item of the
 * user's dialogs as it stands, with the log position it stands at. The run row and the log are read in ONE
 * statement, so every `agent.item.updated` not yet applied to the snapshot has a higher event id than `as_of_event_id`.
 */
import { sql, type Kysely } from 'kysely';
import type { AgentItemPartialFrame, ThreadItem } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';

export async function pendingItems(db: Kysely<Database>, userId: string): Promise<AgentItemPartialFrame[]> {
  const { rows } = await sql<{ id: string; dialog_id: string; partial: unknown; as_of: unknown }>`
    SELECT r.id, r.dialog_id, r.partial, (SELECT coalesce(max(e.id), 0) FROM events e) AS as_of
    FROM agent_runs r
    JOIN dialog_participants p ON p.dialog_id = r.dialog_id AND p.user_id = ${userId}
    WHERE r.status = 'running' AND r.partial IS NOT NULL
    ORDER BY r.created_at`.execute(db);
  return rows.flatMap((r) => {
    const partial = (typeof r.partial === 'string' ? JSON.parse(r.partial) : r.partial) as { items?: ThreadItem[] };
    return (partial.items ?? []).map((item) => ({
      type: 'agent.item.partial' as const,
      dialog_id: r.dialog_id,
      run_id: r.id,
      item,
      as_of_event_id: Number(r.as_of),
    }));
  });
}
