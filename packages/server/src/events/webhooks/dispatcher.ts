/**
 * @module events/webhooks/dispatcher: sends pending webhook deliveries, on every instance, without ever sending
 * one twice at the same time. A round claims due deliveries under a lease (jobs/lease.ts), at most the
 * oldest pending one per dialog, so a dialog's deliveries go out in order and a later one waits while an earlier
 * one is being retried. Outcomes: 2xx delivered; 408, 429, 5xx, 3xx and network errors retried with backoff
 * until WEBHOOK_RETRY_MAX_SECS after the first attempt; any other 4xx failed at once. Failed deliveries stay in
 * the table and can be redelivered (http/webhooks.ts). See docs/webhooks.md and docs/adr/0001-jobs.md.
 */
import { sql } from 'kysely';
import type { WebhookConfig } from '../../config.js';
import type { Services } from '../../context.js';
import { retryDelayMs } from '../../jobs/backoff.js';
import { claimLeased, ms, releaseLeased } from '../../jobs/lease.js';
import { startPollLoop, type PollLoop } from '../../jobs/poll-loop.js';
import type { WebhookEventName } from './catalog.js';
import { webhookHeaders } from './signing.js';

interface Claimed {
  id: string;
  event: WebhookEventName;
  body: string;
  attempts: number;
}

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; delayMs: number }
  | { kind: 'failed'; status: number; error: string };

const LEASE_MARGIN_MS = 30_000;
const PRUNE_EVERY_MS = 3_600_000;

/** The oldest due deliveries, at most one per dialog (the head of its queue), leased to this round. */
function claim(svc: Services, limit: number, leaseMs: number): Promise<{ token: string; rows: Claimed[] }> {
  return claimLeased<Claimed>(svc.db.kysely, 'webhook_deliveries', {
    due: sql`d.status = 'pending' AND d.next_attempt_at <= clock_timestamp()
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries e
        WHERE e.status = 'pending' AND e.dialog_id = d.dialog_id AND e.seq < d.seq)`,
    orderBy: sql`d.seq`,
    limit,
    leaseMs,
    alsoSet: sql`first_attempt_at = COALESCE(w.first_attempt_at, clock_timestamp()), last_attempt_at = clock_timestamp()`,
    returning: sql`w.id, w.event, w.body, w.attempts`,
  });
}

function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, at - now.getTime());
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.cause?.code) return `${e.cause.code}${e.cause.message ? `: ${e.cause.message}` : ''}`;
  return e?.message ?? String(err);
}

export interface Dispatcher {
  wake(): void;
  stop(): Promise<void>;
}

export function startDispatcher(svc: Services, hooks: WebhookConfig): Dispatcher {
  const inflight = new Set<AbortController>();
  let stopping = false;
  let lastPrune = 0;
  const backoff = (attempts: number) => retryDelayMs(attempts, hooks.retryBaseMs, hooks.retryMaxDelayMs);

  async function send(d: Claimed): Promise<Outcome> {
    const controller = new AbortController();
    inflight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${hooks.timeoutMs} ms`)), hooks.timeoutMs);
    try {
      const res = await fetch(hooks.url, {
        method: 'POST',
        headers: {
          ...webhookHeaders({ id: d.id, event: d.event, body: d.body, secret: hooks.secret, sentAt: svc.now() }),
          'User-Agent': 'Parley-Webhooks',
        },
        body: d.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
      const error = `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        return { kind: 'failed', status: res.status, error };
      const delayMs = Math.min(
        hooks.retryMaxDelayMs,
        Math.max(backoff(d.attempts), retryAfterMs(res.headers.get('retry-after'), svc.now())),
      );
      return { kind: 'retry', status: res.status, error, delayMs };
    } catch (err) {
      // Stopping: hand the delivery straight back, to this instance after a restart or to another one.
      if (stopping) return { kind: 'retry', status: null, error: 'interrupted by shutdown', delayMs: 0 };
      return {
        kind: 'retry',
        status: null,
        error: describe(controller.signal.aborted ? controller.signal.reason : err),
        delayMs: backoff(d.attempts),
      };
    } finally {
      clearTimeout(timer);
      inflight.delete(controller);
    }
  }

  async function record(d: Claimed, token: string, o: Outcome): Promise<void> {
    const db = svc.db.kysely;
    const lease = { id: d.id, leaseToken: token };
    svc.metrics.webhookAttempts.inc({ outcome: o.kind });
    if (o.kind === 'delivered') {
      await releaseLeased(
        db,
        'webhook_deliveries',
        lease,
        sql`status = 'delivered', delivered_at = clock_timestamp(), last_status_code = ${o.status}, last_error = NULL`,
      );
      return;
    }
    const permanent = o.kind === 'failed';
    const delayMs = o.kind === 'retry' ? o.delayMs : 0;
    const giveUp = sql`(${permanent} OR clock_timestamp() - first_attempt_at >= ${ms(hooks.retryMaxMs)})`;
    await releaseLeased(
      db,
      'webhook_deliveries',
      lease,
      sql`status = CASE WHEN ${giveUp} THEN 'failed' ELSE 'pending' END,
          failed_at = CASE WHEN ${giveUp} THEN clock_timestamp() ELSE NULL END,
          next_attempt_at = clock_timestamp() + ${ms(delayMs)},
          last_status_code = ${o.status}, last_error = ${o.error.slice(0, 1000)}`,
    );
    svc.log.warn({ delivery: d.id, event: d.event, attempt: d.attempts, error: o.error, permanent }, 'webhook delivery failed');
  }

  async function prune(): Promise<void> {
    const now = svc.now().getTime();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    await sql`DELETE FROM webhook_deliveries WHERE status = 'delivered'
              AND delivered_at < clock_timestamp() - ${ms(svc.config.eventRetentionSecs * 1000)}`.execute(svc.db.kysely);
  }

  // Deliveries in flight: up to WEBHOOK_CONCURRENCY at any moment. A round tops them up and returns as soon as
  // one ends (not when the whole batch has), so one slow receiver answer never holds back the other slots.
  const running = new Set<Promise<void>>();
  /** Ends the wait of the round in progress (see below). */
  let kick: (() => void) | undefined;
  const health = svc.health.register('webhook dispatcher', 'loop');
  const start = (d: Claimed, token: string) => {
    const job: Promise<void> = (async () => record(d, token, await send(d)))()
      // The lease runs out and the delivery is claimed again: nothing is lost when its outcome cannot be written.
      .catch((err: unknown) => health.failed(err))
      .finally(() => running.delete(job));
    running.add(job);
  };

  const loop: PollLoop = startPollLoop(svc.clock, health, svc.config.jobs.pollIntervalMs, async () => {
    if (stopping) return false;
    await prune();
    const free = hooks.concurrency - running.size;
    const claimed = free > 0 ? await claim(svc, free, hooks.timeoutMs + LEASE_MARGIN_MS) : { token: '', rows: [] };
    for (const d of claimed.rows) start(d, claimed.token);
    if (running.size === 0) return false;
    // Go on when a delivery ends (a free slot, and maybe its dialog's next one due), when new deliveries are
    // announced, or after the poll interval (deliveries another instance created): never only when all have ended.
    await new Promise<void>((resolve) => {
      const timer = svc.clock.setTimeout(resolve, svc.config.jobs.pollIntervalMs);
      kick = () => {
        timer.clear();
        resolve();
      };
      for (const job of running) void job.then(kick);
    });
    kick = undefined;
    return true;
  });

  return {
    wake: () => {
      kick?.();
      loop.wake();
    },
    async stop() {
      stopping = true;
      for (const c of inflight) c.abort(new Error('shutdown'));
      await loop.stop();
      await Promise.all(running);
    },
  };
}
