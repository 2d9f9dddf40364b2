/** @module agents/cancel: a participant stops the agent replies running in a dialog (the UI's stop button). */
import { sql } from 'kysely';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { accessAsMember, dialogNotFound, joinFirst } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import type { AgentWorker } from './runner.js';

/**
 * Flags the dialog's queued and running runs (or just `runId`) as cancelled; a run streaming on this instance
 * stops at once, one on another instance at its next lease renewal. What was streamed so far is kept.
 */
export async function cancelRuns(svc: Services, worker: AgentWorker, actor: Actor, dialogId: string, runId?: string): Promise<string[]> {
  const db = svc.db.kysely;
  await accessAsMember(db, actor, dialogId, { hidden: dialogNotFound, notMember: joinFirst });
  let q = db
    .updateTable('agent_runs')
    .set({ cancel_requested: true })
    .where('dialog_id', '=', dialogId)
    .where(sql<boolean>`status IN ('queued', 'running')`);
  if (runId) q = q.where('id', '=', runId);
  const rows = await q.returning('id').execute();
  if (runId && rows.length === 0) throw new AppError('NOT_FOUND', 'No such running agent reply');
  for (const r of rows) worker.cancelLocal(r.id);
  return rows.map((r) => r.id);
}

/** Cancels runs a ChatKit stream started, when its client goes away (ChatKit's cancel). */
export async function cancelRunIds(svc: Services, worker: AgentWorker, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const rows = await svc.db.kysely
    .updateTable('agent_runs')
    .set({ cancel_requested: true })
    .where('id', 'in', [...runIds])
    .where(sql<boolean>`status IN ('queued', 'running')`)
    .returning('id')
    .execute();
  for (const r of rows) worker.cancelLocal(r.id);
}
