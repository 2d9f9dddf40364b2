/** @module bus: picks the bus: Redis pub/sub when REDIS_URL is set (several instances), in-process otherwise. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Bus } from '../../events/bus.js';
import { createMemoryBus } from './memory.js';
import { createRedisBus, redisNamespace } from './redis.js';

export async function createBus(config: Config, log: FastifyBaseLogger): Promise<Bus> {
  if (!config.redisUrl) return createMemoryBus();
  return createRedisBus(config.redisUrl, redisNamespace(config), (err) => log.warn({ err }, 'redis bus connection error'));
}
