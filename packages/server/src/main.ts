#!/usr/bin/env node
/** @module main: reads the environment, builds the app, listens. The only module that touches process.env. */
import { buildApp, ConfigError, loadConfig } from './app.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const built = await buildApp(config);
  const { app } = built;
  if (built.generatedAdminToken) {
    // Printed once, on the start that generated it; never logged.
    process.stdout.write(
      `\nParley generated a Management API token (kept in ${config.dataDir}/admin-token):\n\n  ${built.generatedAdminToken}\n\n`,
    );
  }
  if (config.auth.mode === 'legacy') {
    app.log.warn(
      'JWT_AUTH_ENABLED=false: the Chat API trusts the user_id query parameter (MTChat legacy mode). Do not expose this server.',
    );
  }
  // Graceful shutdown (docs/operations.md): stop accepting, drain in-flight requests up to SHUTDOWN_DRAIN_SECS,
  // close realtime with 1001 so clients resume elsewhere, hand leased jobs back. A second signal, or a close
  // that overruns the drain by far, ends the process at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal, drainSecs: config.shutdownDrainMs / 1000 }, 'shutting down: draining');
    const overrun = setTimeout(() => {
      app.log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.shutdownDrainMs + 15_000);
    overrun.unref();
    await built.close();
    app.log.info('shut down');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: built.services.db.kind, auth: config.auth.mode }, 'Parley is serving');
}

main().catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
