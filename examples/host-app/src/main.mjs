#!/usr/bin/env node
/**
 * `npm run demo`: starts Parley (embedded PGlite under ./data/demo unless DATABASE_URL is set) and the demo host
 * app, wires Parley's webhooks to the host, and prints both addresses. PARLEY_PORT (8080) and DEMO_PORT (5199);
 * 0 picks free ports.
 */
import { randomBytes } from 'node:crypto';
import { buildApp, loadConfig } from '@parley/server';
import { startHostApp } from './app.mjs';

const parleyPort = Number(process.env.PARLEY_PORT ?? 8080);
const demoPort = Number(process.env.DEMO_PORT ?? 5199);
const webhookSecret = process.env.WEBHOOK_SECRET ?? randomBytes(24).toString('hex');

const host = await startHostApp({ webhookSecret, port: demoPort });
const config = loadConfig({
  DATA_DIR: './data/demo',
  LOG_LEVEL: 'warn',
  ...process.env,
  PORT: String(parleyPort),
  HOST: '127.0.0.1',
  WEBHOOK_URL: `${host.url}/webhooks`,
  WEBHOOK_SECRET: webhookSecret,
  WEBHOOK_EVENTS: 'all',
  DEMO_URL: host.url,
});
const parley = await buildApp(config);
await parley.app.listen({ port: parleyPort, host: '127.0.0.1' });
const parleyUrl = `http://127.0.0.1:${parley.app.server.address().port}`;
await host.setParley(parleyUrl, parley.services.adminToken);

console.log(`Parley      ${parleyUrl}  (API document: ${parleyUrl}/api/v1/openapi.json)`);
console.log(`Demo app    ${host.url}  (sign in as Alice, Bob or Carol)`);
const stop = async () => {
  await host.close();
  await parley.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
