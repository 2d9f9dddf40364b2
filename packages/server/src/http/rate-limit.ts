/**
 * @module http/rate-limit: token buckets per IP (every request), per user (every Chat API request) and a
 * stricter one per user for sending messages and presigning uploads. Shared across instances through Redis
 * when REDIS_URL is set (with an in-memory fallback while Redis is unreachable). Over the limit: 429
 * RATE_LIMIT_EXCEEDED with Retry-After.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { connectRedis, type ConnectionWatch } from '../adapters/redis-client.js';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

type Bucket = { rps: number; burst: number };

export interface RateLimiter {
  /** Per-IP bucket: call for every request. */
  ip(req: FastifyRequest): Promise<void>;
  /** Per-user bucket: call once the caller is known. */
  user(userId: string): Promise<void>;
  /** The stricter per-user bucket for sending and presigning. */
  send(userId: string): Promise<void>;
  close(): Promise<void>;
}

function limiter(prefix: string, name: string, b: Bucket, redis: Redis | undefined): BurstyRateLimiter {
  // A steady rate of `rps` per second, plus a burst allowance of `burst` that refills at the same rate.
  const burstWindow = Math.max(1, Math.ceil(b.burst / b.rps));
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix,
          points,
          duration,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });
  return new BurstyRateLimiter(make(`${prefix}:rl:${name}`, b.rps, 1), make(`${prefix}:rl:${name}:burst`, b.burst, burstWindow));
}

async function take(l: BurstyRateLimiter, key: string, storeFailed: (err: unknown) => void): Promise<void> {
  try {
    await l.consume(key, 1);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many requests. Please slow down.', { headers: { 'retry-after': String(retry) } });
    }
    // The store failed and so did its fallback: do not turn an outage into a denial of service, but say so.
    storeFailed(err);
  }
}

export function createRateLimiter(config: Config, watch?: ConnectionWatch, log?: FastifyBaseLogger): RateLimiter | undefined {
  const rl = config.rateLimit;
  if (!rl.enabled) return undefined;
  // The insurance limiter takes over while Redis is away; ioredis reconnects by itself.
  const quiet: ConnectionWatch = { failed: () => {}, ok: () => {} };
  const redis = config.redisUrl
    ? connectRedis(config.redisUrl, watch ?? quiet, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : undefined;
  const ip = limiter(config.redisPrefix, 'ip', rl.ip, redis);
  const user = limiter(config.redisPrefix, 'user', rl.user, redis);
  const send = limiter(config.redisPrefix, 'send', rl.send, redis);
  const failed = (err: unknown) => log?.warn({ err }, 'rate limit: the store and its fallback failed; the request goes through unlimited');
  return {
    ip: (req) => take(ip, req.ip, failed),
    user: (userId) => take(user, userId, failed),
    send: (userId) => take(send, userId, failed),
    async close() {
      redis?.disconnect();
    },
  };
}
