/** @module context: the services every action, query and route receives (built once in app.ts). */
import type { Clock } from './clock.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './adapters/db/index.js';
import type { FileService } from './adapters/files/index.js';
import type { Config } from './config.js';
import type { Bus } from './events/bus.js';
import type { Dependencies } from './health/dependency.js';
import type { Metrics } from './metrics.js';
import type { TokenService } from './security/tokens.js';

export interface Services {
  config: Config;
  db: Db;
  bus: Bus;
  tokens: TokenService;
  log: FastifyBaseLogger;
  adminToken: string;
  /** The file store (S3 or the embedded disk store) and its settings. */
  files: FileService;
  /** Every long-lived connection and background loop, with its up/down state (health/dependency.ts). */
  health: Dependencies;
  /** Prometheus metrics of this instance (metrics.ts, docs/metrics.md). */
  metrics: Metrics;
  /** The one clock (clock.ts): expiries, leases and schedules take time and timers from here only; tests inject theirs. */
  clock: Clock;
  /** `clock.now()`. */
  now(): Date;
}
