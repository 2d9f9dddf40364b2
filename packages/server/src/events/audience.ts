/**
 * @module events/audience: the ONE place that decides who may receive each event type. Delivery (WebSocket,
 * SSE, resume) and nothing else reads this decision back from the log; no caller picks recipients by hand.
 */
import type { NewDialogEvent } from '@parley/protocol';

export interface Audience {
  /** Everyone who is a member of the event's dialog when the event is delivered. */
  members: boolean;
  /** These users too, members or not (the one who just left, the ones whose own flag changed). */
  users: string[];
}

/** `extraUsers` are the users an action names: the former members of a deleted dialog, the ones unarchived. */
export function audienceFor(event: NewDialogEvent | { type: 'message.attachments_updated' }, extraUsers: readonly string[] = []): Audience {
  switch (event.type) {
    case 'message.new':
    case 'message.edited':
    case 'message.deleted':
    case 'message.attachments_updated':
    case 'message.read':
    case 'participant.joined':
    case 'dialog.created':
    case 'dialog.scopes_changed':
    // An agent's streamed reply goes to the dialog's members, like the message it becomes.
    case 'agent.run.started':
    case 'agent.item.added':
    case 'agent.item.updated':
    case 'agent.item.done':
    case 'agent.item.replaced':
    case 'agent.item.removed':
    case 'agent.error':
    case 'agent.signal':
    case 'agent.run.finished':
      return { members: true, users: [] };
    case 'participant.left':
      // The remaining members, and the one who left (so every device of theirs learns it).
      return { members: true, users: [event.user_id] };
    case 'dialog.archived':
    case 'dialog.unarchived':
    case 'dialog.pinned':
    case 'dialog.unpinned':
    case 'dialog.notifications':
      // Per-user flags: only the users whose flag changed.
      return { members: false, users: event.user_id ? [event.user_id] : [...extraUsers] };
    case 'item.feedback':
      // Feedback is the giver's own: their devices, and the webhook.
      return { members: false, users: [event.user_id] };
    case 'dialog.deleted':
      return { members: false, users: [...extraUsers] };
  }
}
