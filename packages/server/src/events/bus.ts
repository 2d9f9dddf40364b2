/**
 * @module events/bus: announces "the log has grown to id N" after each commit, and carries short-lived notices
 * (presence) between instances. In-process by default, Redis pub/sub when REDIS_URL is set (adapters/bus). The
 * realtime hub of every instance listens and reads the new events from the log: the log, not the bus, is the truth.
 */
export { createMemoryBus } from '../adapters/bus/memory.js';

/** A notice that lives only on the bus (never in the log): a user came online or went offline. */
export interface PresenceNotice {
  kind: 'presence';
  user_id: string;
  is_online: boolean;
}
export type BusNotice = PresenceNotice;

export interface Bus {
  announce(lastEventId: number): void;
  onAnnounce(listener: (lastEventId: number) => void): () => void;
  /** Sends a notice to every instance, this one included (delivered at most once per instance). */
  notify(notice: BusNotice): void;
  onNotice(listener: (notice: BusNotice) => void): () => void;
  close(): Promise<void>;
}
