/**
 * @module frames: what a realtime frame is, decided without a schema library (so browsers need no zod): the
 * close codes, the type names of the log's events, and cheap guards that route a trusted server's frame. The
 * full shapes are the zod schemas of events.ts, agent-events.ts and realtime.ts; a test keeps the names in step.
 */
import type { AgentItemPartialFrame } from './agent-events.js';
import type { DialogEvent } from './events.js';

/** WebSocket close codes of Parley's own (4000-4999 are for applications). */
export const CLOSE_CODES = {
  /** The token ran out: refresh it and reconnect at once, without backoff. */
  authExpired: 4001,
  /** The server could not keep up with this client (or cannot replay): refetch state, then reconnect. */
  resyncRequired: 4008,
} as const;

/** The `type` of every event the log can hold (the members of events.ts's `DialogEvent`). */
export const DIALOG_EVENT_TYPES = [
  'message.new',
  'message.edited',
  'message.deleted',
  'message.attachments_updated',
  'message.read',
  'participant.joined',
  'participant.left',
  'dialog.archived',
  'dialog.unarchived',
  'dialog.pinned',
  'dialog.unpinned',
  'dialog.notifications',
  'dialog.created',
  'dialog.deleted',
  'dialog.scopes_changed',
  'agent.run.started',
  'agent.item.added',
  'agent.item.updated',
  'agent.item.done',
  'agent.item.replaced',
  'agent.item.removed',
  'agent.error',
  'agent.signal',
  'agent.run.finished',
  'item.feedback',
] as const satisfies readonly DialogEvent['type'][];

const eventTypes: ReadonlySet<string> = new Set(DIALOG_EVENT_TYPES);
type Frame = { type?: unknown; dialog_id?: unknown; [key: string]: unknown };

/** An event of the log: a known event type about a dialog (the server projects events to their schema). */
export function isDialogEventFrame(frame: Frame): frame is Frame & DialogEvent {
  return typeof frame.type === 'string' && eventTypes.has(frame.type) && typeof frame.dialog_id === 'string';
}

/** The snapshot of a streaming agent item (`agent.item.partial`): a dialog, a run and an item with an id. */
export function isAgentItemPartialFrame(frame: Frame): frame is Frame & AgentItemPartialFrame {
  const item = frame.item as { id?: unknown; type?: unknown } | null | undefined;
  return (
    frame.type === 'agent.item.partial' &&
    typeof frame.dialog_id === 'string' &&
    typeof frame.run_id === 'string' &&
    typeof item?.id === 'string' &&
    typeof item.type === 'string' &&
    typeof frame.as_of_event_id === 'number'
  );
}

/** The presence summary of a large dialog (`presence.digest`): counts instead of one frame per member. */
export function isPresenceDigestFrame(
  frame: Frame,
): frame is Frame & { type: 'presence.digest'; dialog_id: string; online_count: number; member_count: number } {
  return (
    frame.type === 'presence.digest' &&
    typeof frame.dialog_id === 'string' &&
    typeof frame.online_count === 'number' &&
    typeof frame.member_count === 'number'
  );
}
