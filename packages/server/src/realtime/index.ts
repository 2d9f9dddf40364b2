/**
 * @module realtime: wires delivery together for one instance: the presence store (memory or Redis), the hub
 * that reads the log, the sessions, the retention job, and the routes. See docs/events.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { redisNamespace } from '../adapters/bus/redis.js';
import { connectRedis } from '../adapters/redis-client.js';
import { createMemoryPresence, type PresenceStore } from '../adapters/presence/store.js';
import { createRedisPresence } from '../adapters/presence/redis.js';
import type { Services } from '../context.js';
import type { LinkSigner } from '../http/links.js';
import type { IsOnline } from '../queries/participants.js';
import { Hub } from './hub.js';
import { Presence } from './presence.js';
import { PresenceFanout } from './presence-fanout.js';
import { ReplayReader } from './replay-reader.js';
import { QueryCount } from './query-count.js';
import { startRetention } from './retention.js';
import { realtimeRoutes } from './routes.js';
import { Sessions } from './session.js';
import { pendingItems } from '../agents/snapshot.js';

export interface Realtime {
  routes: FastifyPluginAsync;
  /** Presence for the participants list. */
  isOnline: IsOnline;
  /** Stops reading the log; call after the HTTP server has closed its sockets, before the bus and database. */
  close(): Promise<void>;
}

export async function createRealtime(svc: Services, signer: LinkSigner): Promise<Realtime> {
  // Queries made for connections (connects, resumes, presence) are counted; the hub's reading of the log is not.
  const db = svc.db.kysely.withPlugin(new QueryCount(() => svc.metrics.realtimeQueries.inc()));
  let redis: Redis | undefined;
  let store: PresenceStore;
  let presenceHealth: { failed(err: unknown): void };
  if (svc.config.redisUrl) {
    const dependency = svc.health.register('redis presence', 'redis');
    redis = connectRedis(svc.config.redisUrl, dependency);
    store = createRedisPresence(redis, redisNamespace(svc.config));
    presenceHealth = dependency;
  } else {
    store = createMemoryPresence();
    presenceHealth = { failed: (err: unknown) => svc.log.warn({ err }, 'presence store failed') };
  }
  const presence = new Presence(store, svc.bus, presenceHealth);
  const hub = new Hub(svc.db.kysely, svc.bus, svc.health.register('realtime hub (event log reader)', 'loop'), signer, (n) =>
    svc.metrics.eventsDelivered.inc({ path: 'live' }, n),
  );
  await hub.start();
  const fanout = new PresenceFanout(
    db,
    presence.isOnline,
    { local: () => hub.local(), push: (u, f) => hub.pushTo(u, f) },
    svc.config.realtime.presence,
    svc.clock,
    (err) => svc.log.warn({ err }, 'realtime: presence delivery failed'),
  );
  const stopPresence = svc.bus.onNotice((n) => n.kind === 'presence' && fanout.changed(n.user_id, n.is_online));
  const reader = new ReplayReader(db, svc.clock, svc.config.realtime.resumeWindowMs, () => svc.metrics.replayReads.inc());
  const sessions = new Sessions(hub, presence, reader, signer, svc.metrics, svc.log, (userId) => pendingItems(db, userId));
  svc.metrics.gauge('parley_realtime_connections', 'Open realtime connections on this instance, by transport', ['transport'], (set) => {
    const byKind = { ws: 0, sse: 0 };
    for (const c of hub.connections()) byKind[c.kind]++;
    for (const [transport, n] of Object.entries(byKind)) set({ transport }, n);
  });
  svc.metrics.gauge('parley_realtime_queued_frames', "Frames waiting in the queues of this instance's connections", [], (set) => {
    set(
      {},
      hub.connections().reduce((n, c) => n + c.queued, 0),
    );
  });
  const stopRetention = startRetention(
    svc.db.kysely,
    svc.config.eventRetentionSecs,
    svc.health.register('event retention', 'loop'),
    svc.now,
  );
  return {
    routes: realtimeRoutes({ svc, sessions }),
    isOnline: presence.isOnline,
    async close() {
      for (const conn of hub.connections()) sessions.close(conn);
      await presence.settle();
      stopPresence();
      await fanout.stop();
      await stopRetention();
      await hub.stop();
      await store.dispose();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
