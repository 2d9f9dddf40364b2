/**
 * @module state: the thread state and its reducer for every stream event of chatkit-protocol §3.1 (item updates go
 * through @parley/protocol's applyItemUpdate, the one implementation of §3.3), with the optimistic user message.
 */
import { applyItemUpdate, type ThreadItem, type ThreadItemUpdate } from '@parley/protocol';
import type { StreamEvent } from './transport.js';

// biome-ignore lint/suspicious/noExplicitAny: items of any ChatKit server; fields beyond these are read where they are rendered
export type ChatKitItem = { id: string; type: string; thread_id?: string; created_at?: string; [k: string]: any };
export type ChatKitThreadMeta = {
  id: string;
  title?: string;
  status?: { type: string; reason?: string };
  created_at?: string;
  // biome-ignore lint/suspicious/noExplicitAny: thread metadata of any ChatKit server
  [k: string]: any;
};
export type Notice = { level: string; message: string; title?: string };

export interface ChatKitState {
  threadId: string | null;
  thread: ChatKitThreadMeta | null;
  /** Oldest first. Pending optimistic messages carry `pending: true` and a `pending-` id. */
  items: ChatKitItem[];
  streaming: boolean;
  allowCancel: boolean;
  progress: { text: string; icon?: string } | null;
  notices: Notice[];
  error: { code: string; message: string; allowRetry: boolean } | null;
}

export const initialState = (): ChatKitState => ({
  threadId: null,
  thread: null,
  items: [],
  streaming: false,
  allowCancel: false,
  progress: null,
  notices: [],
  error: null,
});

let pendingSeq = 0;

/** The optimistic user message shown until the server's own user item arrives. */
export function pendingUserMessage(threadId: string | null, content: unknown[], attachments: unknown[]): ChatKitItem {
  return {
    id: `pending-${++pendingSeq}`,
    type: 'user_message',
    thread_id: threadId ?? '',
    created_at: new Date().toISOString(),
    content,
    attachments,
    inference_options: {},
    pending: true,
  };
}

const upsert = (items: ChatKitItem[], item: ChatKitItem): ChatKitItem[] => {
  const at = items.findIndex((i) => i.id === item.id);
  if (at < 0) return [...items, item];
  const out = [...items];
  out[at] = item;
  return out;
};

/** A server user item takes the place of the oldest pending one (same thread), keeping the list order. */
function reconcile(items: ChatKitItem[], item: ChatKitItem): ChatKitItem[] {
  const at = items.findIndex((i) => i.pending === true);
  if (item.type !== 'user_message' || at < 0 || items.some((i) => i.id === item.id)) return upsert(items, item);
  const out = [...items];
  out[at] = item;
  return out;
}

/** Applies one stream event; unknown types leave the state as it was (they are still emitted to the host). */
export function reduce(state: ChatKitState, e: StreamEvent): ChatKitState {
  switch (e.type) {
    case 'thread.created':
      return {
        ...state,
        threadId: e.thread.id,
        thread: withoutItems(e.thread),
        items: state.items.map((i) => (i.pending ? { ...i, thread_id: e.thread.id } : i)),
      };
    case 'thread.updated':
      return { ...state, thread: withoutItems(e.thread) };
    case 'thread.item.added':
    case 'thread.item.done':
      return { ...state, items: reconcile(state.items, e.item), progress: null };
    case 'thread.item.replaced':
      return { ...state, items: upsert(state.items, e.item) };
    case 'thread.item.removed':
      return { ...state, items: state.items.filter((i) => i.id !== e.item_id) };
    case 'thread.item.updated': {
      const at = state.items.findIndex((i) => i.id === e.item_id);
      if (at < 0) return state;
      const items = [...state.items];
      items[at] = applyItemUpdate(items[at] as ThreadItem, e.update as ThreadItemUpdate) as ChatKitItem;
      return { ...state, items };
    }
    case 'stream_options':
      return { ...state, allowCancel: e.stream_options?.allow_cancel !== false };
    case 'progress_update':
      return { ...state, progress: { text: String(e.text ?? ''), ...(e.icon ? { icon: e.icon } : {}) } };
    case 'notice':
      return { ...state, notices: [...state.notices, { level: e.level, message: e.message, ...(e.title ? { title: e.title } : {}) }] };
    case 'error':
      return {
        ...state,
        items: state.items.filter((i) => !i.pending),
        error: { code: e.code ?? 'custom', message: e.message ?? '', allowRetry: e.allow_retry === true },
      };
    default:
      return state;
  }
}

function withoutItems(thread: ChatKitThreadMeta): ChatKitThreadMeta {
  const { items: _items, ...meta } = thread;
  return meta;
}

/** Everything in a widget tree that can fire an action: the action types the server put there. */
export function widgetActionTypes(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) widgetActionTypes(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (
        (k === 'onClickAction' || k === 'onSubmitAction' || k === 'onChangeAction' || k === 'action') &&
        v &&
        typeof v === 'object' &&
        typeof (v as { type?: unknown }).type === 'string'
      )
        out.add((v as { type: string }).type);
      else widgetActionTypes(v, out);
    }
  }
  return out;
}
