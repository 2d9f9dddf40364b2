/** @module events: the typed `chatkit.*` events a ChatKit client emits (payloads as chatkit-js's, plus `auth.expired`). */
import type { ChatKitError } from './errors.js';
import type { ChatKitItem, ChatKitState } from './state.js';
import type { StreamEvent } from './transport.js';

export interface ChatKitEvents {
  'chatkit.ready': undefined;
  'chatkit.error': { error: ChatKitError };
  'chatkit.log': { name: string; data?: Record<string, unknown> };
  'chatkit.effect': { name: string; data?: Record<string, unknown> };
  'chatkit.response.start': undefined;
  'chatkit.response.end': undefined;
  'chatkit.thread.change': { threadId: string | null };
  'chatkit.thread.load.start': { threadId: string };
  'chatkit.thread.load.end': { threadId: string };
  'chatkit.tool.change': { toolId: string | null };
  'chatkit.auth.expired': undefined;
  /** Every raw stream event, after the reducer ran. */
  'chatkit.stream.event': StreamEvent;
  /** The state after any change. */
  'chatkit.state': ChatKitState;
  /** A client tool call the host's handler answered (or that was refused). */
  'chatkit.tool.call': { item: ChatKitItem; ok: boolean };
}
