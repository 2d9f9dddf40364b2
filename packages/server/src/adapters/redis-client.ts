/**
 * @module adapters/redis-client: the one way Parley opens a Redis connection (the bus, presence, the shared
 * rate limits). Its errors and recoveries go to a watch (a health/dependency.ts Dependency: an unheard 'error'
 * would end the process; ioredis reconnects by itself); callers adjust only what their use needs (the rate
 * limiter fails fast instead of queueing commands while Redis is away).
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Who hears about a Redis connection going and coming back. */
export interface ConnectionWatch {
  failed(err: unknown): void;
  ok(): void;
}

export function connectRedis(url: string, watch: ConnectionWatch, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 3, enableReadyCheck: true, ...options });
  client.on('error', (err) => watch.failed(err));
  client.on('ready', () => watch.ok());
  return client;
}
