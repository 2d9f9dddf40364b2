/** A test server whose clock the test drives (ManualClock), its WebSocket clients closed after the file, and metric reads. */
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { redisEnv, type WsClient } from './realtime.js';
import { startServer, type TestServer } from './server.js';

export interface ClockedServer {
  server: TestServer;
  clock: ManualClock;
  /** Clients to close after the file. */
  clients: WsClient[];
}

/** Starts the file's server (Redis when the backend has it, no host JWTs) with a ManualClock; closes it after. */
export function useClockedServer(): ClockedServer {
  const env = { clock: new ManualClock(), clients: [] as WsClient[] } as ClockedServer;
  beforeAll(async () => {
    env.server = await startServer({ ...redisEnv(), JWT_AUTH_ENABLED: 'false' }, { clock: env.clock });
  });
  afterAll(async () => {
    await Promise.all(env.clients.map((c) => c.close()));
    await env.server?.close();
  });
  return env;
}

/** The current value of a prom-client metric without labels (0 before its first increment). */
export async function metricValue(metric: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await metric.get()).values[0]?.value ?? 0;
}
