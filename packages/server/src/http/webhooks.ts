/**
 * @module http/webhooks: the Management API for webhook deliveries (list, inspect, redeliver) and the status of
 * background jobs. Admin token, like http/management.ts. See docs/webhooks.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeliveryIdParams, ListDeliveriesQuery, RedeliverBody, WebhookDeliveryDetails, WebhookDeliveryPage } from '@parley/protocol';
import { redeliverOne, redeliverSince } from '../actions/webhook-deliveries.js';
import type { Services } from '../context.js';
import { ARCHIVE_TICK, tickStatus } from '../jobs/auto-archive.js';
import { countJobs } from '../jobs/queue.js';
import { NOTIFY_JOB } from '../events/webhooks/deliveries.js';
import { countDeliveries, getDelivery, listDeliveries } from '../queries/webhook-deliveries.js';
import { timestampOrNull } from '../wire.js';
import { adminGuard } from './auth.js';

const tags = ['management'];
const security = [{ adminToken: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

const JobsStatus = z.object({
  webhooks: z.object({ enabled: z.boolean(), events: z.array(z.string()), pending: z.number(), delivered: z.number(), failed: z.number() }),
  notifications: z.object({ delay_secs: z.number(), queued: z.number(), dead: z.number() }),
  auto_archive: z.object({
    cron: z.string().nullable(),
    after_secs: z.number(),
    last_tick_at: z.string().nullable(),
    finished_tick_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    last_archived: z.number().nullable(),
  }),
});

export const webhookRoutes =
  (svc: Services): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const db = svc.db.kysely;
    app.addHook('onRequest', adminGuard(svc));

    app.get(
      '/webhooks/deliveries',
      { schema: { tags, security, querystring: ListDeliveriesQuery, response: { 200: data(WebhookDeliveryPage) } } },
      async (req) => ({ data: await listDeliveries(db, req.query) }),
    );

    app.get(
      '/webhooks/deliveries/:id',
      { schema: { tags, security, params: DeliveryIdParams, response: { 200: data(WebhookDeliveryDetails) } } },
      async (req) => ({ data: await getDelivery(db, req.params.id) }),
    );

    app.post(
      '/webhooks/deliveries/:id/redeliver',
      { schema: { tags, security, params: DeliveryIdParams, response: { 200: data(WebhookDeliveryDetails) } } },
      async (req) => ({ data: await redeliverOne(svc, req.params.id) }),
    );

    app.post(
      '/webhooks/deliveries/redeliver',
      { schema: { tags, security, body: RedeliverBody, response: { 200: data(z.object({ requeued: z.number() })) } } },
      async (req) => ({
        data: { requeued: await redeliverSince(svc, { status: req.body.status, sinceId: req.body.since_id, since: req.body.since }) },
      }),
    );

    app.get('/jobs', { schema: { tags, security, response: { 200: data(JobsStatus) } } }, async () => {
      const [counts, notify, tick] = await Promise.all([countDeliveries(db), countJobs(db, NOTIFY_JOB), tickStatus(db, ARCHIVE_TICK)]);
      const jobs = svc.config.jobs;
      const archived = tick.last_result?.archived;
      return {
        data: {
          webhooks: { enabled: svc.config.webhooks !== undefined, events: [...(svc.config.webhooks?.events ?? [])], ...counts },
          notifications: { delay_secs: jobs.notificationDelaySecs, ...notify },
          auto_archive: {
            cron: jobs.archiveCron ?? null,
            after_secs: jobs.archiveAfterSecs,
            last_tick_at: timestampOrNull(tick.last_tick_at),
            finished_tick_at: timestampOrNull(tick.finished_tick_at),
            finished_at: timestampOrNull(tick.finished_at),
            last_archived: typeof archived === 'number' ? archived : null,
          },
        },
      };
    });
  };
