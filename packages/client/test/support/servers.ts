/**
 * Real Parley servers for the client's tests. `startRestartable()` can stop and start the server on the same
 * port and the same data (DATA_DIR / PostgreSQL schema), or replace it with a fresh one (an empty log, as after
 * a restore), keeping the admin token and signing key so existing tokens stay valid.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { buildApp, loadConfig, type BuiltApp } from '../../../server/src/app.js';
import { Api } from '../../../server/test/support/api.js';
import { dropSchema, testEnv } from '../../../server/test/support/server.js';

export interface RestartableServer {
  url: string;
  port: number;
  adminToken: string;
  admin: Api;
  built(): BuiltApp;
  /** Closes the server (clients see their connections drop and the port refuse). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops, then starts on fresh, empty data (same port, same admin token and signing key). */
  replaceWithFresh(): Promise<void>;
  close(): Promise<void>;
}

export async function startRestartable(overrides: Record<string, string | undefined> = {}): Promise<RestartableServer> {
  const adminToken = randomBytes(24).toString('base64url');
  const fixed = { ADMIN_API_TOKEN: adminToken, PARLEY_SIGNING_KEY: randomBytes(32).toString('base64url'), ...overrides };
  let env = testEnv(fixed);
  const envs = [env];
  let port = 0;
  let current: BuiltApp | undefined;

  const start = async () => {
    const config = loadConfig(env);
    const built = await buildApp(config, { logger: false });
    await built.app.listen({ port, host: '127.0.0.1' });
    const address = built.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    port = address.port;
    current = built;
  };
  const stop = async () => {
    const built = current;
    current = undefined;
    await built?.close();
  };
  await start();
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    adminToken,
    admin: new Api(url, { authorization: `Bearer ${adminToken}` }),
    built: () => {
      if (!current) throw new Error('server is stopped');
      return current;
    },
    stop,
    start,
    async replaceWithFresh() {
      await stop();
      env = testEnv(fixed);
      envs.push(env);
      await start();
    },
    async close() {
      await stop();
      for (const e of envs) {
        const config = loadConfig(e);
        await dropSchema(config.database.url, config.database.schema);
        rmSync(config.dataDir, { recursive: true, force: true });
      }
    },
  };
}
