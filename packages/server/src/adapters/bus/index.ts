/** @module bus: picks the bus: Redis pub/sub when REDIS_URL is set (several instances), in-process otherwise. */
import type { Config } from '../../config.js';
import type { Bus } from '../../events/bus.js';
import type { Dependencies } from '../../health/dependency.js';
import { createMemoryBus } from './memory.js';
import { createRedisBus, redisNamespace } from './redis.js';

export async function createBus(config: Config, health: Dependencies): Promise<Bus> {
  if (!config.redisUrl) return createMemoryBus();
  return createRedisBus(config.redisUrl, redisNamespace(config), {
    publish: health.register('redis bus (publish)', 'redis'),
    subscribe: health.register('redis bus (subscribe)', 'redis'),
  });
}
