/**
 * @module events/webhooks/catalog: the webhook events Parley can send, each with its dotted name (the
 * X-Webhook-Event header) and its snake_case envelope `type`, and which of them are on by default (MTChat's four).
 */
export const WEBHOOK_EVENT_TYPES = {
  'message.new': 'message_new',
  'participant.joined': 'participant_joined',
  'participant.left': 'participant_left',
  'notification.pending': 'notification_pending',
  // Parley's own, behind WEBHOOK_EVENTS (MTChat sends none of these).
  'dialog.created': 'dialog_created',
  'dialog.deleted': 'dialog_deleted',
  'participant.added': 'participant_added',
  'participant.removed': 'participant_removed',
  'message.edited': 'message_edited',
  'message.deleted': 'message_deleted',
  // ChatKit's thumbs up/down on an item (items.feedback).
  'item.feedback': 'item_feedback',
} as const;

export type WebhookEventName = keyof typeof WEBHOOK_EVENT_TYPES;
export type WebhookType = (typeof WEBHOOK_EVENT_TYPES)[WebhookEventName];

/** What MTChat sends; the default when WEBHOOK_EVENTS is not set. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventName[] = [
  'message.new',
  'participant.joined',
  'participant.left',
  'notification.pending',
];

const ALL = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventName[];
const BY_NAME = new Map<string, WebhookEventName>(
  ALL.flatMap(
    (n) =>
      [
        [n, n],
        [WEBHOOK_EVENT_TYPES[n], n],
      ] as const,
  ),
);

/**
 * Parses WEBHOOK_EVENTS: unset means MTChat's four; `all` means every event; otherwise a comma list of names,
 * dotted or snake_case, where `default` stands for MTChat's four (`default,message.edited`).
 */
export function parseWebhookEvents(value: string | undefined): Set<WebhookEventName> | { error: string } {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.length === 0) return new Set(DEFAULT_WEBHOOK_EVENTS);
  const out = new Set<WebhookEventName>();
  for (const item of items) {
    if (item === 'all') for (const n of ALL) out.add(n);
    else if (item === 'default') for (const n of DEFAULT_WEBHOOK_EVENTS) out.add(n);
    else {
      const name = BY_NAME.get(item);
      if (!name) return { error: `unknown event '${item}' (known: all, default, ${ALL.join(', ')})` };
      out.add(name);
    }
  }
  return out;
}
