/**
 * @module presence/redis: presence shared by every instance: one sorted set per user, a member per open
 * connection scored by its expiry time, so a user is offline only when their last connection anywhere closes
 * (or stops pinging for the TTL). Transitions are decided atomically in Lua.
 */
import type { Redis } from 'ioredis';
import { PRESENCE_TTL_MS, type PresenceStore } from './store.js';

const OPEN = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return before`;

const CLOSE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local left = redis.call('ZCARD', KEYS[1])
if removed == 1 and left == 0 then return 1 end
return 0`;

export function createRedisPresence(redis: Redis, namespace: string, ttlMs = PRESENCE_TTL_MS): PresenceStore {
  const key = (userId: string) => `${namespace}presence:${userId}`;
  return {
    async open(userId, connectionId) {
      const now = Date.now();
      const before = await redis.eval(OPEN, 1, key(userId), now, now + ttlMs, connectionId, ttlMs);
      return Number(before) === 0;
    },
    async refresh(userId, connectionId) {
      await redis
        .multi()
        .zadd(key(userId), Date.now() + ttlMs, connectionId)
        .pexpire(key(userId), ttlMs)
        .exec();
    },
    async close(userId, connectionId) {
      return Number(await redis.eval(CLOSE, 1, key(userId), Date.now(), connectionId)) === 1;
    },
    async online(userIds) {
      if (userIds.length === 0) return new Set();
      const now = Date.now();
      const pipeline = redis.pipeline();
      for (const u of userIds) pipeline.zcount(key(u), now + 1, '+inf');
      const results = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
    },
    async dispose() {
      // The connection belongs to the caller.
    },
  };
}
