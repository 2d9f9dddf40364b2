/**
 * @module agents/triggers: which agents answer a new message. Called inside the send's transaction, so a stored
 * message and its agent runs commit together (one run per agent and triggering message, enforced by a unique
 * index). Agents never answer agents or system messages, so two agents in one dialog cannot loop.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import { agentUserId, isAgentUserId } from '@parley/protocol';
import type { Insertable } from 'kysely';
import type { ActionTx } from '../actions/transaction.js';
import type { AgentRunsTable } from '../adapters/db/schema.js';
import { enqueueJob } from '../jobs/queue.js';
import { newId } from '../wire.js';
import { htmlToText } from './render.js';

export const AGENT_RUN_JOB = 'agent.run';

export interface AgentRunJob {
  run_id: string;
  dialog_id: string;
}

interface Trigger {
  id: string;
  dialog_id: string;
  sender_id: string | null;
  content: string;
  message_type: 'user' | 'system';
}

/** True when the message speaks to this agent: `@<id>`, `@<display name>`, or a mention/tag naming `agent:<id>`. */
export function mentions(content: string, agent: { id: string; display_name: string }): boolean {
  if (content.includes(`data-id="${agentUserId(agent.id)}"`)) return true;
  const text = htmlToText(content).toLowerCase();
  return [`@${agent.id}`, `@${agent.display_name}`].some((m) => {
    const at = text.indexOf(m.toLowerCase());
    if (at < 0) return false;
    const next = text.charAt(at + m.length);
    return next === '' || !/[\p{L}\p{N}_-]/u.test(next);
  });
}

/** The agent members of a dialog, by id: what enqueueAgentRuns decides on (a query to run or to embed). */
export function agentMembers(db: Kysely<Database> | Transaction<Database>, dialogId: string) {
  return db
    .selectFrom('dialog_participants as p')
    .innerJoin('agents as a', (j) => j.on(sql<boolean>`p.user_id = 'agent:' || a.id`))
    .select(['a.id', 'a.display_name', 'a.trigger'])
    .where('p.dialog_id', '=', dialogId)
    .where('p.user_id', 'like', 'agent:%')
    .orderBy('a.id');
}

export type AgentMember = Awaited<ReturnType<ReturnType<typeof agentMembers>['execute']>>[number];

/**
 * Queues a run for every agent member of the dialog that this message triggers; returns how many. `members`:
 * the dialog's agent members when the caller read them already (the send reads them with its write).
 */
export async function enqueueAgentRuns(
  tx: ActionTx,
  message: Trigger,
  mentioned: readonly string[] = [],
  members?: readonly AgentMember[],
): Promise<number> {
  if (message.message_type !== 'user' || message.sender_id === null || isAgentUserId(message.sender_id)) return 0;
  const agents = members ?? (await agentMembers(tx.trx, message.dialog_id).execute());
  let queued = 0;
  for (const agent of agents) {
    if (agent.trigger === 'mention' && !mentioned.includes(agentUserId(agent.id)) && !mentions(message.content, agent)) continue;
    const runId = newId();
    const inserted = await tx.trx
      .insertInto('agent_runs')
      .values(
        queuedRunRow(tx, {
          id: runId,
          dialogId: message.dialog_id,
          agentId: agent.id,
          kind: 'respond',
          triggerMessageId: message.id,
          input: { message_id: message.id, user_id: message.sender_id },
        }),
      )
      .onConflict((oc) => oc.columns(['agent_id', 'trigger_message_id']).where('trigger_message_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    await queueRun(tx, { run_id: runId, dialog_id: message.dialog_id });
    queued += 1;
  }
  return queued;
}

/** Puts a run on the durable queue (in the caller's transaction). */
/** The row of a run that waits for a worker: the one place a run row is built. */
export function queuedRunRow(
  tx: ActionTx,
  run: { id: string; dialogId: string; agentId: string; kind: 'respond' | 'action'; triggerMessageId: string | null; input: unknown },
): Insertable<AgentRunsTable> {
  return {
    id: run.id,
    dialog_id: run.dialogId,
    agent_id: run.agentId,
    kind: run.kind,
    trigger_message_id: run.triggerMessageId,
    input: JSON.stringify(run.input),
    status: 'queued',
    cancel_requested: false,
    partial: null,
    error: null,
    created_at: tx.now,
    started_at: null,
    finished_at: null,
  };
}

export async function queueRun(tx: ActionTx, job: AgentRunJob): Promise<void> {
  await enqueueJob(tx.trx, AGENT_RUN_JOB, { ...job }, 0, tx.now);
}

/** Keeps the ChatKit item a message stands for (a ChatKit user message with its tags and options). */
export async function storeItem(
  tx: ActionTx,
  messageId: string,
  dialogId: string,
  item: Record<string, unknown>,
  runId: string | null = null,
): Promise<void> {
  await tx.trx
    .insertInto('agent_items')
    .values({ message_id: messageId, dialog_id: dialogId, run_id: runId, item_type: String(item.type), item: JSON.stringify(item) })
    .execute();
}
