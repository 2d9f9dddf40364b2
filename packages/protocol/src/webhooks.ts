/**
 * @module webhooks: the webhook envelope Parley sends (MTChat's), and the Management API schemas that list and
 * redeliver webhook deliveries. See docs/webhooks.md.
 */
import { z } from 'zod';
import { Uuid } from './common.js';

/** The body of every webhook request: `type` is snake_case (message_new), the X-Webhook-Event header dotted. */
export const WebhookEnvelope = z.object({
  id: z.uuid(),
  type: z.string(),
  timestamp: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed']);

export const ListDeliveriesQuery = z.object({
  status: WebhookDeliveryStatus.optional(),
  /** The last delivery id of the previous page. */
  after: Uuid.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { message: 'must be an integer between 1 and 500' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, { message: 'must be an integer between 1 and 500' })
    .optional(),
});

export const DeliveryIdParams = z.object({ id: Uuid });

const time = z.string().nullable();
export const WebhookDelivery = z.object({
  id: z.uuid(),
  event: z.string(),
  type: z.string(),
  dialog_id: z.uuid().nullable(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  created_at: z.string(),
  next_attempt_at: time,
  last_attempt_at: time,
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: time,
  failed_at: time,
});
export const WebhookDeliveryDetails = WebhookDelivery.extend({ body: WebhookEnvelope });
export const WebhookDeliveryPage = z.object({ deliveries: z.array(WebhookDelivery), next_cursor: z.uuid().nullable() });

/** Redeliver failed (or all finished) deliveries created at or after a delivery or an instant. */
export const RedeliverBody = z
  .object({
    status: z.enum(['failed', 'all']).default('failed'),
    since_id: Uuid.optional(),
    since: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' }).optional(),
  })
  .refine((b) => b.since_id !== undefined || b.since !== undefined, { message: 'give since_id or since' });
