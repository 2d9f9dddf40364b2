/**
 * @module bus/redis: the bus over Redis pub/sub, so every instance sharing one database hears every commit and
 * every presence change. Pub/sub is fire-and-forget; that is enough because the hub also polls the log now and
 * then, and the log (not the bus) holds the events.
 */
import { createHash, randomUUID } from 'node:crypto';
import { connectRedis } from '../redis-client.js';
import type { Config } from '../../config.js';
import type { Bus, BusNotice } from '../../events/bus.js';

interface Wire {
  /** The instance that published (its own messages come back to it and are skipped). */
  o: string;
  a?: number;
  n?: BusNotice;
}

/**
 * The key prefix shared by the instances of one deployment: derived from the database they share, so separate
 * deployments (or test schemas) on one Redis never hear each other.
 */
export function redisNamespace(config: Config): string {
  const where = `${config.database.url ?? config.dataDir}|${config.database.schema ?? ''}`;
  return `${config.redisPrefix}:rt:${createHash('sha256').update(where).digest('hex').slice(0, 12)}:`;
}

import type { ConnectionWatch } from '../redis-client.js';

export async function createRedisBus(
  url: string,
  namespace: string,
  watch: { publish: ConnectionWatch; subscribe: ConnectionWatch },
): Promise<Bus> {
  const instance = randomUUID();
  const channel = `${namespace}bus`;
  const pub = connectRedis(url, watch.publish);
  // ioredis subscribes again after a reconnect; announcements lost meanwhile are made up by the hub's poll.
  const sub = connectRedis(url, watch.subscribe);
  const announced = new Set<(id: number) => void>();
  const noticed = new Set<(notice: BusNotice) => void>();
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    let msg: Wire;
    try {
      msg = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (msg.o === instance) return;
    if (typeof msg.a === 'number') for (const l of announced) l(msg.a);
    if (msg.n) for (const l of noticed) l(msg.n);
  });
  await sub.subscribe(channel);
  const publish = (msg: Omit<Wire, 'o'>) => {
    pub.publish(channel, JSON.stringify({ o: instance, ...msg })).catch((err: unknown) => watch.publish.failed(err));
  };
  // Announcements are coalesced per turn of the event loop: the other instances need the highest id only.
  let highest = 0;
  let flushing = false;
  const flushAnnounce = () => {
    flushing = false;
    publish({ a: highest });
  };
  return {
    announce(id) {
      for (const l of announced) l(id);
      highest = Math.max(highest, id);
      if (!flushing) {
        flushing = true;
        setImmediate(flushAnnounce);
      }
    },
    onAnnounce(listener) {
      announced.add(listener);
      return () => announced.delete(listener);
    },
    notify(notice) {
      for (const l of noticed) l(notice);
      publish({ n: notice });
    },
    onNotice(listener) {
      noticed.add(listener);
      return () => noticed.delete(listener);
    },
    async close() {
      announced.clear();
      noticed.clear();
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}
