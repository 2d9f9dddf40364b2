/** @module events: the typed events a client emits (`client.on(name, fn)` returns an unsubscribe function). */
import type {
  AgentErrorEvent,
  AgentItemAddedEvent,
  AgentItemDoneEvent,
  AgentItemRemovedEvent,
  AgentItemReplacedEvent,
  AgentItemUpdatedEvent,
  AgentRunFinishedEvent,
  AgentRunStartedEvent,
  AgentSignalEvent,
  AgentItemPartialFrame,
  ItemFeedbackEvent,
  DialogArchivedEvent,
  DialogCreatedEvent,
  DialogDeletedEvent,
  DialogNotificationsEvent,
  DialogPinnedEvent,
  DialogScopesEvent,
  DialogUnarchivedEvent,
  DialogUnpinnedEvent,
  DialogEvent,
  MessageDeletedEvent,
  MessageAttachmentsUpdatedEvent,
  MessageEditedEvent,
  MessageNewEvent,
  MessageReadEvent,
  ParticipantJoinedEvent,
  ParticipantLeftEvent,
} from '@parley/protocol';
import type { ConnectionStateEvent } from './connection/manager.js';
import type { ParleyErrorCode } from './errors.js';

type Out<T> = T extends { _zod: { output: infer O } } ? O : never;

export interface PresenceUpdate {
  user_id: string;
  is_online: boolean;
}

/** How many members of a large dialog are online (the server sends a count instead of one update per member). */
export interface PresenceDigest {
  dialog_id: string;
  online_count: number;
  member_count: number;
}

export interface AuthExpired {
  code: ParleyErrorCode;
  message: string;
  /** True when the client is getting a fresh token and will retry; false when it could not. */
  refreshing: boolean;
}

export interface ErrorEvent {
  code: ParleyErrorCode;
  message: string;
  status: number;
  retryable: boolean;
}

export interface ResyncEvent {
  /** `resync_required` from the server, or a reconnect that could not resume from a cursor. */
  reason: 'resync_required' | 'reconnected';
  /** Messages fetched to fill the gap in dialogs whose messages were loaded (also emitted as `message.new`). */
  recovered: number;
}

export interface ClientEvents {
  'message.new': Out<typeof MessageNewEvent>;
  'message.edited': Out<typeof MessageEditedEvent>;
  'message.deleted': Out<typeof MessageDeletedEvent>;
  /** A message's attachments as they are now (a thumbnail became ready after the send). */
  'message.attachments_updated': Out<typeof MessageAttachmentsUpdatedEvent>;
  'message.read': Out<typeof MessageReadEvent>;
  'participant.joined': Out<typeof ParticipantJoinedEvent>;
  'participant.left': Out<typeof ParticipantLeftEvent>;
  'dialog.archived': Out<typeof DialogArchivedEvent>;
  'dialog.unarchived': Out<typeof DialogUnarchivedEvent>;
  'dialog.pinned': Out<typeof DialogPinnedEvent>;
  'dialog.unpinned': Out<typeof DialogUnpinnedEvent>;
  'dialog.notifications': Out<typeof DialogNotificationsEvent>;
  'dialog.created': Out<typeof DialogCreatedEvent>;
  'dialog.deleted': Out<typeof DialogDeletedEvent>;
  'dialog.scopes_changed': Out<typeof DialogScopesEvent>;
  // An agent's streamed reply (docs/agents.md); the store keeps pending items in `agentItems`.
  'agent.run.started': Out<typeof AgentRunStartedEvent>;
  'agent.item.added': Out<typeof AgentItemAddedEvent>;
  'agent.item.updated': Out<typeof AgentItemUpdatedEvent>;
  'agent.item.done': Out<typeof AgentItemDoneEvent>;
  'agent.item.replaced': Out<typeof AgentItemReplacedEvent>;
  'agent.item.removed': Out<typeof AgentItemRemovedEvent>;
  'agent.error': Out<typeof AgentErrorEvent>;
  'agent.signal': Out<typeof AgentSignalEvent>;
  'agent.run.finished': Out<typeof AgentRunFinishedEvent>;
  /** A reply that was already streaming when the connection opened: its item so far. */
  'agent.item.partial': Out<typeof AgentItemPartialFrame>;
  /** Feedback this user gave on a ChatKit item (their own devices only). */
  'item.feedback': Out<typeof ItemFeedbackEvent>;
  'presence.update': PresenceUpdate;
  'presence.digest': PresenceDigest;
  /** Every `message.…` event. */
  'message.*': Extract<DialogEvent, { type: `message.${string}` }>;
  /** Every `participant.…` event. */
  'participant.*': Extract<DialogEvent, { type: `participant.${string}` }>;
  /** Every `dialog.…` event. */
  'dialog.*': Extract<DialogEvent, { type: `dialog.${string}` }>;
  /** Every `agent.…` event. */
  'agent.*': Extract<DialogEvent, { type: `agent.${string}` }>;
  /** Every dialog event, whatever its type (after it was applied to the state). */
  event: DialogEvent;
  'connection.state': ConnectionStateEvent;
  'auth.expired': AuthExpired;
  error: ErrorEvent;
  resync: ResyncEvent;
}

export type ClientEventName = keyof ClientEvents;
