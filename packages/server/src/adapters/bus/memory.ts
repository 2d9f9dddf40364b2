/** @module bus/memory: the in-process bus, for a single instance (the default without REDIS_URL). */
import type { Bus, BusNotice } from '../../events/bus.js';

export function createMemoryBus(): Bus {
  const announced = new Set<(id: number) => void>();
  const noticed = new Set<(notice: BusNotice) => void>();
  return {
    announce(id) {
      for (const l of announced) l(id);
    },
    onAnnounce(listener) {
      announced.add(listener);
      return () => announced.delete(listener);
    },
    notify(notice) {
      for (const l of noticed) l(notice);
    },
    onNotice(listener) {
      noticed.add(listener);
      return () => noticed.delete(listener);
    },
    async close() {
      announced.clear();
      noticed.clear();
    },
  };
}
