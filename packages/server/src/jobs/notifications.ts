/**
 * @module jobs/notifications: smart notifications (spec §5.3). One job per user message runs
 * NOTIFICATION_DELAY_SECS after it and, in one transaction, finds who still has not read it and creates one
 * `notification_pending` delivery per such recipient: a participant since before the message and still now,
 * notifications on, not the sender, read position below the message (read_seq < seq).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { Services } from '../context.js';
import { insertDeliveries, NOTIFY_JOB, type NotifyJobPayload } from '../events/webhooks/deliveries.js';
import { notificationPayload } from '../events/webhooks/payloads.js';
import { retryDelayMs } from './backoff.js';
import { startPollLoop, type PollLoop } from './poll-loop.js';
import { claimJobs, completeJob, failJob, type ClaimedJob } from './queue.js';

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 10;

/** Creates the deliveries for one message; returns how many recipients were still unread. */
export async function notifyUnread(trx: Transaction<Database>, job: NotifyJobPayload, now: Date): Promise<number> {
  const message = await trx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', job.message_id)
    .where('dialog_id', '=', job.dialog_id)
    .executeTakeFirst();
  if (!message) return 0; // deleted since (with its dialog, or alone)
  const dialog = await trx
    .selectFrom('dialogs')
    .select(['id', 'object_id', 'object_type', 'title', 'created_by', 'created_at'])
    .where('id', '=', job.dialog_id)
    .executeTakeFirst();
  if (!dialog) return 0;
  const recipients = await trx
    .selectFrom('dialog_participants')
    .select('user_id')
    .where('dialog_id', '=', job.dialog_id)
    .where('user_id', '!=', job.sender_id)
    .where('notifications_enabled', '=', true)
    .where('read_seq', '<', job.seq)
    .where('joined_at', '<=', message.sent_at)
    .orderBy('user_id')
    .execute();
  if (recipients.length === 0) return 0;
  const sender = await trx
    .selectFrom('dialog_participants')
    .select('company')
    .where('dialog_id', '=', job.dialog_id)
    .where('user_id', '=', job.sender_id)
    .executeTakeFirst();
  await insertDeliveries(
    trx,
    recipients.map((r) => ({
      eventId: null,
      webhook: {
        event: 'notification.pending',
        dialogId: dialog.id,
        payload: notificationPayload(dialog, r.user_id, sender?.company, message),
      },
      at: now,
    })),
  );
  return recipients.length;
}

/** Runs one job; returns how many deliveries it created. */
async function runJob(svc: Services, job: ClaimedJob): Promise<number> {
  try {
    return await svc.db.kysely.transaction().execute(async (trx) => {
      const created = await notifyUnread(trx, job.payload as unknown as NotifyJobPayload, svc.now());
      await completeJob(trx, job);
      return created;
    });
  } catch (err) {
    const dead = job.attempts >= MAX_ATTEMPTS;
    svc.log.error({ err, job: job.id, attempt: job.attempts, dead }, 'notification job failed');
    await failJob(svc.db.kysely, job, (err as Error).message ?? String(err), retryDelayMs(job.attempts, 1000, 300_000), dead);
    return 0;
  }
}

/** Runs due notification jobs, NOTIFICATION_CONCURRENCY at a time; `onDeliveries` wakes the dispatcher. */
export function startNotificationWorker(svc: Services, onDeliveries: () => void): PollLoop {
  const { pollIntervalMs, notificationConcurrency } = svc.config.jobs;
  return startPollLoop(svc.clock, svc.health.register('notification worker', 'loop'), pollIntervalMs, async () => {
    const jobs = await claimJobs(svc.db.kysely, NOTIFY_JOB, notificationConcurrency, LEASE_MS);
    const created = await Promise.all(jobs.map((job) => runJob(svc, job)));
    if (created.some((n) => n > 0)) onDeliveries();
    return jobs.length > 0;
  });
}
