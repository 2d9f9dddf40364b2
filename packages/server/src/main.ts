#!/usr/bin/env node
/** @module main: reads the environment, builds the app, listens. The only module that touches process.env. */
import { buildApp, ConfigError, loadConfig } from './app.js';

async function main() {
  let config;
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
    app.log.warn('JWT_AUTH_ENABLED=false: the Chat API trusts the user_id query parameter (MTChat legacy mode). Do not expose this server.');
  }
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await built.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: built.services.db.kind, auth: config.auth.mode }, 'Parley is serving');
}

main().catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
