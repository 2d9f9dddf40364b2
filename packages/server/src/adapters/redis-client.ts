/**
 * @module adapters/redis-client: the one way Parley opens a Redis connection (the bus, presence, the shared
 * rate limits). Errors go to the caller's handler (ioredis reconnects by itself); callers adjust only what
 * their use needs (the rate limiter fails fast instead of queueing commands while Redis is away).
 */
import { Redis, type RedisOptions } from 'ioredis';

export function connectRedis(url: string, onError: (err: Error) => void, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 3, enableReadyCheck: true, ...options });
  client.on('error', onError);
  return client;
}
