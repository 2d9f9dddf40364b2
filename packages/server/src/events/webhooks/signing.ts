/**
 * @module events/webhooks/signing: the headers of a webhook request. MTChat's signature covers the body;
 * Parley adds a send-time timestamp and a second signature over "<timestamp>.<body>" so receivers can reject
 * replays (docs/webhooks.md shows how to verify both).
 */
import { createHmac } from 'node:crypto';
import type { WebhookEventName } from './catalog.js';

export const SIGNATURE_HEADER = 'X-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Webhook-Timestamp';
export const TIMESTAMP_SIGNATURE_HEADER = 'X-Webhook-Timestamp-Signature';

/** Lower-case hex HMAC-SHA256 of the exact bytes. */
export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

export interface SignedRequest {
  id: string;
  event: WebhookEventName;
  body: string;
  secret: string;
  /** When this attempt is sent; becomes X-Webhook-Timestamp (Unix seconds). */
  sentAt: Date;
}

export function webhookHeaders(r: SignedRequest): Record<string, string> {
  const ts = String(Math.floor(r.sentAt.getTime() / 1000));
  return {
    'Content-Type': 'application/json',
    'X-Webhook-Event': r.event,
    'X-Webhook-Id': r.id,
    [SIGNATURE_HEADER]: `sha256=${hmacHex(r.secret, r.body)}`,
    [TIMESTAMP_HEADER]: ts,
    [TIMESTAMP_SIGNATURE_HEADER]: `sha256=${hmacHex(r.secret, `${ts}.${r.body}`)}`,
  };
}
