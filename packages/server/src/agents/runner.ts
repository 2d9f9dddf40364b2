/**
 * @module agents/runner: runs agents on the durable job queue (jobs table, kind `agent.run`). Runs of one dialog
 * go strictly in order (a run is claimed only when no earlier run of its dialog is left); AGENT_CONCURRENCY runs
 * at a time per instance; each has AGENT_TIMEOUT_SECS. The lease is renewed while a run streams; if the
 * instance dies, another takes the run over when the lease lapses and, since the agent had already started,
 * ends it with an error (withdrawing what was half-streamed): never lost, never stored twice.
 */
import { sql } from 'kysely';
import type { ThreadItem } from '@parley/protocol';
import type { Services } from '../context.js';
import { retryDelayMs } from '../jobs/backoff.js';
import { startPollLoop, type PollLoop } from '../jobs/poll-loop.js';
import { claimLeased, deleteLeased, renewLease } from '../jobs/lease.js';
import { failJob, JOB_COLUMNS, LeaseLost, toJobs, type ClaimedJob, type JobRow } from '../jobs/queue.js';
import { participantNames, recentHistory, recentItems } from './history.js';
import { kindOf } from './kinds/index.js';
import { AgentFailure, type AgentRequest } from './kinds/types.js';
import { loadAgent } from './registry.js';
import { AGENT_RUN_JOB, type AgentRunJob } from './triggers.js';
import { DialogGone, RunWriter } from './writer.js';

/** The shortest gap between two claims woken by commits (a cap on claim queries, not a delay when idle). */
const WAKE_GAP_MS = 20;

type StopReason = 'timeout' | 'cancelled' | 'shutdown' | 'lease-lost';

export interface AgentWorker {
  /** Aborts a run if it streams on this instance (the others notice the run's cancel flag on their next lease renewal). */
  cancelLocal(runId: string): void;
  stop(): Promise<void>;
}

/** Claims due runs, oldest first, skipping any whose dialog still has an earlier run queued or running. */
async function claimRuns(svc: Services, limit: number): Promise<ClaimedJob[]> {
  return toJobs(
    await claimLeased<JobRow>(svc.db.kysely, 'jobs', {
      due: sql`d.kind = ${AGENT_RUN_JOB} AND d.dead_at IS NULL AND d.run_at <= clock_timestamp()
        AND NOT EXISTS (
          SELECT 1 FROM jobs e
          WHERE e.kind = ${AGENT_RUN_JOB} AND e.dead_at IS NULL AND e.id < d.id
            AND e.payload->>'dialog_id' = d.payload->>'dialog_id')`,
      orderBy: sql`d.id`,
      limit,
      leaseMs: svc.config.agents.leaseMs,
      returning: JOB_COLUMNS,
    }),
  );
}

export function startAgentWorker(svc: Services): AgentWorker {
  const { concurrency, leaseMs } = svc.config.agents;
  const running = new Map<string, (reason: StopReason) => void>();
  const inflight = new Set<Promise<void>>();
  let stopping = false;

  const loop: PollLoop = startPollLoop(svc.clock, svc.health.register('agent worker', 'loop'), svc.config.jobs.pollIntervalMs, async () => {
    const free = concurrency - inflight.size;
    if (free <= 0 || stopping) return false;
    const jobs = await claimRuns(svc, free);
    for (const job of jobs) {
      const p: Promise<void> = runJob(job)
        .catch((err: unknown) => svc.log.error({ err, job: job.id }, 'agent run: unexpected failure'))
        .finally(() => {
          inflight.delete(p);
          loop.wake();
        });
      inflight.add(p);
    }
    return jobs.length > 0 && inflight.size < concurrency;
  });
  // A commit anywhere may have queued a run (the bus announces every commit). Under a stream of commits the
  // claim query runs at most every WAKE_GAP_MS, not once per commit.
  let lastWake = 0;
  let wakeTimer: NodeJS.Timeout | undefined;
  const unsubscribe = svc.bus.onAnnounce(() => {
    if (wakeTimer || stopping) return;
    wakeTimer = setTimeout(
      () => {
        wakeTimer = undefined;
        lastWake = performance.now();
        loop.wake();
      },
      Math.max(0, lastWake + WAKE_GAP_MS - performance.now()),
    );
    wakeTimer.unref();
  });

  async function runJob(job: ClaimedJob): Promise<void> {
    const { run_id: runId } = job.payload as unknown as AgentRunJob;
    const run = await svc.db.kysely.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    const log = svc.log.child({ run: runId, agent: run?.agent_id, dialog: run?.dialog_id });
    if (!run || !['queued', 'running'].includes(run.status)) {
      await deleteLeased(svc.db.kysely, 'jobs', job);
      return;
    }
    const partial = (typeof run.partial === 'string' ? JSON.parse(run.partial) : run.partial) as { items?: ThreadItem[] } | null;
    const writer = new RunWriter(svc, run, partial?.items ?? []);
    const fail = async (logLine: string, code = 'stream.error', message?: string, allowRetry = true) => {
      log.warn({ reason: logLine }, 'agent run failed');
      await writer.finish(job, 'failed', { code, message, allow_retry: allowRetry, log: logLine });
    };
    try {
      if (run.status === 'running') return await fail('interrupted: the instance running it stopped; half-streamed items withdrawn');
      if (run.cancel_requested) return await writer.finish(job, 'cancelled');
      const agent = await loadAgent(svc.db.kysely, run.agent_id);
      if (!agent) return await fail('the agent was deleted');
      const dialog = await svc.db.kysely
        .selectFrom('dialogs')
        .select(['id', 'title', 'object_type', 'object_id'])
        .where('id', '=', run.dialog_id)
        .executeTakeFirst();
      if (!dialog) throw new DialogGone();
      writer.start(run.trigger_message_id);
      await stream(job, run, writer, agent, dialog, log);
    } catch (err) {
      if (err instanceof DialogGone) {
        await deleteLeased(svc.db.kysely, 'jobs', job);
        return;
      }
      if (err instanceof LeaseLost) return log.warn('agent run: lease lost to another instance');
      // A database failure: try again later; the next attempt ends the run with an error (it had started).
      log.error({ err }, 'agent run: could not record its outcome; retrying');
      await failJob(
        svc.db.kysely,
        job,
        (err as Error).message ?? String(err),
        retryDelayMs(job.attempts, 1000, 60_000),
        job.attempts >= 10,
      ).catch(() => {});
    }
  }

  async function stream(
    job: ClaimedJob,
    run: { id: string; dialog_id: string; agent_id: string; kind: string; trigger_message_id: string | null; input: unknown },
    writer: RunWriter,
    agent: NonNullable<Awaited<ReturnType<typeof loadAgent>>>,
    dialog: { id: string; title: string | null; object_type: string; object_id: string },
    log: typeof svc.log,
  ): Promise<void> {
    const controller = new AbortController();
    let stopReason: StopReason | undefined;
    const stop = (reason: StopReason) => {
      if (stopReason) return;
      stopReason = reason;
      controller.abort(new Error(reason));
    };
    running.set(run.id, stop);
    const timer = setTimeout(() => stop('timeout'), svc.config.agents.timeoutMs);
    const heartbeat = setInterval(
      () => {
        void (async () => {
          if (!(await renewLease(svc.db.kysely, 'jobs', job, leaseMs))) return stop('lease-lost');
          const r = await svc.db.kysely.selectFrom('agent_runs').select('cancel_requested').where('id', '=', run.id).executeTakeFirst();
          if (r?.cancel_requested) stop('cancelled');
        })().catch((err: unknown) => log.warn({ err }, 'agent run: lease renewal failed'));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      const req = await buildRequest(run, agent, dialog, controller.signal, log);
      try {
        for await (const ev of kindOf(agent)(req)) {
          if (stopReason) break;
          if ((await writer.push(ev)) === 'stop') break;
        }
        if (stopReason) throw new Error(stopReason);
        await writer.drain();
      } catch (err) {
        await writer.drain().catch(() => {});
        if (err instanceof DialogGone || err instanceof LeaseLost) throw err;
        switch (stopReason) {
          case 'shutdown':
          case 'lease-lost':
            // Left to the next owner of the job, which ends the run with an error.
            return;
          case 'cancelled':
            log.info('agent run cancelled');
            return await writer.finish(job, 'cancelled');
          case 'timeout':
            log.warn({ reason: 'timeout', timeout_ms: svc.config.agents.timeoutMs }, 'agent run failed');
            return await writer.finish(job, 'failed', { code: 'stream.error', allow_retry: true, log: 'timed out' });
          default: {
            const reason = err instanceof AgentFailure ? err.message : `agent error: ${(err as Error).message ?? String(err)}`;
            log.warn({ reason }, 'agent run failed');
            return await writer.finish(job, 'failed', { code: 'stream.error', allow_retry: true, log: reason.slice(0, 1000) });
          }
        }
      }
      if (writer.agentError) {
        const e = writer.agentError;
        log.warn({ reason: `the agent streamed an error (${e.code})` }, 'agent run failed');
        return await writer.finish(job, 'failed', { ...e, log: `agent error event: ${e.code}` });
      }
      if (writer.hasPending) {
        log.warn({ reason: 'the stream ended with an unfinished item' }, 'agent run failed');
        return await writer.finish(job, 'failed', { code: 'stream.error', allow_retry: true, log: 'stream ended with an unfinished item' });
      }
      await writer.finish(job, 'completed');
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      running.delete(run.id);
    }
  }

  async function buildRequest(
    run: { id: string; dialog_id: string; kind: string; trigger_message_id: string | null; input: unknown },
    agent: NonNullable<Awaited<ReturnType<typeof loadAgent>>>,
    dialog: { id: string; title: string | null; object_type: string; object_id: string },
    signal: AbortSignal,
    log: typeof svc.log,
  ): Promise<AgentRequest> {
    const input = (typeof run.input === 'string' ? JSON.parse(run.input) : run.input) as {
      user_id?: string;
      action?: { type: string; payload: unknown };
      sender_id?: string;
    };
    const db = svc.db.kysely;
    const [{ items, senders }, names] = await Promise.all([
      recentHistory(db, run.dialog_id, svc.config.agents.historyItems, run.trigger_message_id ?? undefined),
      participantNames(db, run.dialog_id),
    ]);
    const userId = input.user_id;
    const user = userId ? { id: userId, display_name: names.get(userId) ?? userId } : null;
    const base = { agent, thread: dialog, user, items, senders, signal, log, names };
    if (run.kind === 'action') {
      const sender = input.sender_id
        ? (await recentItems(db, run.dialog_id, 1, input.sender_id)).find((i) => i.id === input.sender_id)
        : undefined;
      return { ...base, type: 'action', input: null, action: input.action, sender };
    }
    const trigger = run.trigger_message_id ? (items.find((i) => i.id === run.trigger_message_id) ?? null) : null;
    return { ...base, type: 'respond', input: trigger };
  }

  return {
    cancelLocal(runId) {
      // The caller has set the run's cancel flag; a run streaming here stops at once.
      running.get(runId)?.('cancelled');
    },
    async stop() {
      stopping = true;
      unsubscribe();
      clearTimeout(wakeTimer);
      await loop.stop();
      for (const stop of running.values()) stop('shutdown');
      await Promise.all([...inflight]);
    },
  };
}
