/**
 * @module jobs/background: starts and stops the background work of one instance: the log consumer that makes
 * webhook deliveries, the webhook dispatcher and the notification worker (when webhooks are configured) and the
 * auto-archive schedule. See docs/webhooks.md.
 */
import type { Services } from '../context.js';
import { startWebhookConsumer } from '../events/webhooks/consumer.js';
import { startDispatcher } from '../events/webhooks/dispatcher.js';
import { startAutoArchive } from './auto-archive.js';
import { startNotificationWorker } from './notifications.js';

export interface Background {
  stop(): Promise<void>;
}

export function startBackground(svc: Services): Background {
  const parts: { stop(): Promise<void> }[] = [];
  const hooks = svc.config.webhooks;
  if (hooks) {
    const dispatcher = startDispatcher(svc, hooks);
    parts.push(dispatcher);
    parts.push(startWebhookConsumer(svc, () => dispatcher.wake()));
    if (hooks.events.has('notification.pending')) parts.push(startNotificationWorker(svc, () => dispatcher.wake()));
  }
  const archive = startAutoArchive(svc);
  if (archive) parts.push(archive);
  return {
    async stop() {
      await Promise.all(parts.map((p) => p.stop()));
    },
  };
}
