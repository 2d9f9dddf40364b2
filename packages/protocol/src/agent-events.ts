/**
 * @module agent-events: the realtime events of an agent's reply, delivered over WebSocket and SSE to every
 * participant of the dialog (docs/agents.md). They carry ChatKit items (agents.ts) so that any client can show
 * a reply while it streams: `agent.run.started`, then per item `agent.item.added` → `agent.item.updated`* →
 * `agent.item.done` (the item is now a stored message; a `message.new` follows for MTChat clients) or
 * `agent.item.removed` (withdrawn), `agent.item.replaced` for a stored item changed later, `agent.signal`
 * (progress, client effects, notices: not stored), `agent.error`, and
 * finally `agent.run.finished`. Apply updates to a pending item with `applyItemUpdate`.
 */
import { z } from 'zod';
import { ThreadItem, ThreadItemUpdate } from './agents.js';

const base = { event_id: z.number().int().optional(), dialog_id: z.uuid(), run_id: z.uuid() };

export const AgentRunStartedEvent = z.object({
  type: z.literal('agent.run.started'),
  ...base,
  /** The agent's participant id, `agent:<id>`. */
  agent_user_id: z.string(),
  /** The message the agent answers (absent for a widget action or after a tool output). */
  reply_to_id: z.uuid().optional(),
});
/** A new pending item: not stored yet. */
export const AgentItemAddedEvent = z.object({ type: z.literal('agent.item.added'), ...base, item: ThreadItem });
/** A change to a pending item (apply with applyItemUpdate). */
export const AgentItemUpdatedEvent = z.object({
  type: z.literal('agent.item.updated'),
  ...base,
  item_id: z.string(),
  update: ThreadItemUpdate,
});
/** The finished item, stored as the message `item.id` of `agent:<id>`. */
export const AgentItemDoneEvent = z.object({ type: z.literal('agent.item.done'), ...base, item: ThreadItem });
/** A stored item replaced in place (a widget after an action). */
export const AgentItemReplacedEvent = z.object({ type: z.literal('agent.item.replaced'), ...base, item: ThreadItem });
/** A pending item withdrawn (the run failed or was cancelled before it was finished). */
export const AgentItemRemovedEvent = z.object({ type: z.literal('agent.item.removed'), ...base, item_id: z.string() });
/** The run failed; ChatKit's error event. Nothing half-streamed stays. */
export const AgentErrorEvent = z.object({
  type: z.literal('agent.error'),
  ...base,
  code: z.string(),
  message: z.string().optional(),
  allow_retry: z.boolean(),
});
/** A transient signal of the agent (ChatKit's progress_update, client_effect or notice), shown and not stored. */
export const AgentSignalEvent = z.object({
  type: z.literal('agent.signal'),
  ...base,
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('progress_update'), text: z.string(), icon: z.string().optional() }),
    z.object({ type: z.literal('client_effect'), name: z.string(), data: z.record(z.string(), z.unknown()) }),
    z.object({
      type: z.literal('notice'),
      level: z.enum(['info', 'warning', 'danger']),
      message: z.string(),
      title: z.string().optional(),
    }),
  ]),
});
export const AgentRunFinishedEvent = z.object({
  type: z.literal('agent.run.finished'),
  ...base,
  status: z.enum(['completed', 'failed', 'cancelled']),
});

/** ChatKit feedback on items (items.feedback), for the giver's devices and the `item.feedback` webhook. */
export const ItemFeedbackEvent = z.object({
  type: z.literal('item.feedback'),
  event_id: z.number().int().optional(),
  dialog_id: z.uuid(),
  user_id: z.string(),
  item_ids: z.array(z.string()),
  kind: z.enum(['positive', 'negative']),
});

export const AGENT_EVENTS = [
  AgentRunStartedEvent,
  AgentItemAddedEvent,
  AgentItemUpdatedEvent,
  AgentItemDoneEvent,
  AgentItemReplacedEvent,
  AgentItemRemovedEvent,
  AgentErrorEvent,
  AgentSignalEvent,
  AgentRunFinishedEvent,
  ItemFeedbackEvent,
] as const;

export const AgentEvent = z.discriminatedUnion('type', [...AGENT_EVENTS]);
export type AgentEvent = z.infer<typeof AgentEvent>;
export type AgentEventType = AgentEvent['type'];

/**
 * A snapshot sent (without event_id) to a connection that opens while an agent is streaming: the pending item
 * as it stood at event `as_of_event_id`. Later `agent.item.updated` events with a higher event_id continue it.
 */
export const AgentItemPartialFrame = z.object({
  type: z.literal('agent.item.partial'),
  dialog_id: z.uuid(),
  run_id: z.uuid(),
  item: ThreadItem,
  as_of_event_id: z.number().int(),
});
export type AgentItemPartialFrame = z.infer<typeof AgentItemPartialFrame>;
