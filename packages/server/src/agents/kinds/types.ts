/** @module agents/kinds/types: what every agent kind gets for a run, and what it yields (raw ChatKit stream events). */
import type { FastifyBaseLogger } from 'fastify';
import type { ThreadItem } from '@parley/protocol';
import type { AgentRecord } from '../registry.js';

export interface AgentRequest {
  type: 'respond' | 'action';
  agent: AgentRecord;
  thread: { id: string; title: string | null; object_type: string; object_id: string };
  /** The person the agent answers (or who acted on a widget). */
  user: { id: string; display_name: string } | null;
  /** Recent history, oldest first; includes the input. */
  items: ThreadItem[];
  /** respond: the message to answer, or null after a client tool output. */
  input: ThreadItem | null;
  action?: { type: string; payload: unknown };
  sender?: ThreadItem;
  /** Aborted on timeout, cancel or shutdown: stop producing. */
  signal: AbortSignal;
  log: FastifyBaseLogger;
  /** Who sent each history item (user id, `agent:<id>` for agents). */
  senders: Map<string, string>;
  /** Multi-party: display names of the dialog's participants by user id. */
  names: Map<string, string>;
}

/** An agent kind: yields ChatKit ThreadStreamEvents as plain objects; the runner validates every one. */
export type AgentKind = (req: AgentRequest) => AsyncIterable<unknown>;

/** Thrown by a kind when its service misbehaves; the message goes to the log, never to clients. */
export class AgentFailure extends Error {
  override name = 'AgentFailure';
}

/** Waits `ms`, or rejects when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
