/**
 * @module actions/auto-archive: archives, for every participant, the dialogs with no activity since a cutoff
 * (spec §5.4), emitting `dialog.archived` to each user whose flag changed. Activity is the last message (system
 * messages count, as in MTChat); a dialog without messages counts from its creation, so a new, empty dialog is
 * not archived (MTChat archives it on the next tick).
 */
import { sql } from 'kysely';
import type { Services } from '../context.js';
import { inTransaction } from './transaction.js';

const BATCH_DIALOGS = 500;

/** Returns how many participants were archived. Dialogs locked by a writer right now are left for the next run. */
export async function archiveInactiveDialogs(svc: Services, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const archived = await inTransaction(svc, async (tx) => {
      const { rows } = await sql<{ dialog_id: string; user_id: string }>`
        WITH stale AS (
          SELECT d.id FROM dialogs d
          WHERE COALESCE(d.last_message_at, d.created_at) < ${cutoff}
            AND EXISTS (SELECT 1 FROM dialog_participants q WHERE q.dialog_id = d.id AND NOT q.is_archived)
          ORDER BY d.id
          LIMIT ${BATCH_DIALOGS}
          FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE dialog_participants p SET is_archived = true
        FROM stale WHERE p.dialog_id = stale.id AND NOT p.is_archived
        RETURNING p.dialog_id, p.user_id`.execute(tx.trx);
      for (const r of rows) tx.emit({ type: 'dialog.archived', dialog_id: r.dialog_id, user_id: r.user_id });
      return rows.length;
    });
    total += archived;
    if (archived === 0) return total;
  }
}
