/**
 * @module events/bus: announces "the log has grown to id N" after each commit. In-process by default; the
 * realtime hub of every instance listens and reads the new events from the log (the log, not the bus, is the truth).
 */
export interface Bus {
  announce(lastEventId: number): void;
  onAnnounce(listener: (lastEventId: number) => void): () => void;
  close(): Promise<void>;
}

export function createMemoryBus(): Bus {
  const listeners = new Set<(id: number) => void>();
  return {
    announce(id) {
      for (const l of listeners) l(id);
    },
    onAnnounce(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
