/**
 * @module state/apply-agent-event: the pending agent items of each dialog, as a client shows a reply growing.
 * `agent.item.added` (or the `agent.item.partial` snapshot a fresh connection gets) starts an entry;
 * `agent.item.updated` grows it (updates at or below a snapshot's `as_of_event_id` are already in it);
 * `agent.item.done` / `agent.item.removed` / `agent.run.finished` end it (the finished item arrives as a message).
 */
import type { ThreadItem } from '../agents.js';
import type { AgentItemPartialFrame } from '../agent-events.js';
import type { DialogEvent } from '../events.js';
import { applyItemUpdate } from './apply-item-update.js';

export interface PendingAgentItem {
  run_id: string;
  item: ThreadItem;
  /** Set from a snapshot: updates with event_id at or below it are already applied. */
  as_of_event_id?: number;
}

/** dialog id → item id → pending item. */
export type AgentItems = Record<string, Record<string, PendingAgentItem>>;

function set(state: AgentItems, dialogId: string, id: string, entry: PendingAgentItem | undefined): AgentItems {
  const items = { ...(state[dialogId] ?? {}) };
  if (entry) items[id] = entry;
  else delete items[id];
  const next = { ...state };
  if (Object.keys(items).length > 0) next[dialogId] = items;
  else delete next[dialogId];
  return next;
}

export function applyAgentEvent(state: AgentItems, event: DialogEvent | AgentItemPartialFrame): AgentItems {
  switch (event.type) {
    case 'agent.item.partial':
      return set(state, event.dialog_id, event.item.id, { run_id: event.run_id, item: event.item, as_of_event_id: event.as_of_event_id });
    case 'agent.item.added':
      return set(state, event.dialog_id, event.item.id, { run_id: event.run_id, item: event.item });
    case 'agent.item.updated': {
      const entry = state[event.dialog_id]?.[event.item_id];
      if (!entry) return state;
      if (entry.as_of_event_id !== undefined && event.event_id !== undefined && event.event_id <= entry.as_of_event_id) return state;
      try {
        return set(state, event.dialog_id, event.item_id, { ...entry, item: applyItemUpdate(entry.item, event.update) });
      } catch {
        return state;
      }
    }
    case 'agent.item.done':
      return set(state, event.dialog_id, event.item.id, undefined);
    case 'agent.item.removed':
      return set(state, event.dialog_id, event.item_id, undefined);
    case 'agent.run.finished': {
      const items = state[event.dialog_id];
      if (!items) return state;
      let next = state;
      for (const [id, e] of Object.entries(items)) if (e.run_id === event.run_id) next = set(next, event.dialog_id, id, undefined);
      return next;
    }
    default:
      return state;
  }
}
