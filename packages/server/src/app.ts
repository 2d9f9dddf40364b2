/**
 * @module app: builds the Fastify application from configuration, without listening, so tests and main.ts
 * run the same thing. See docs/architecture.md.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { openDatabase, type Db } from './adapters/db/index.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { createBus } from './adapters/bus/index.js';
import type { Bus } from './events/bus.js';
import { chatDialogRoutes } from './http/chat-dialogs.js';
import { chatMessageRoutes } from './http/chat-messages.js';
import { actorGuard } from './http/auth.js';
import { registerErrorHandler } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { registerDrain } from './http/drain.js';
import { requestLogSerializer } from './http/log-redaction.js';
import { managementRoutes } from './http/management.js';
import { chatSearchRoutes, managementSearchRoutes } from './http/search.js';
import { webhookRoutes } from './http/webhooks.js';
import { agentRoutes } from './http/agents.js';
import { startAgentWorker } from './agents/runner.js';
import { agentRunRoutes } from './http/agent-runs.js';
import { chatKitRoutes } from './http/chatkit.js';
import { uiRoutes } from './http/ui.js';
import { metricsRoutes, registerRequestMetrics } from './http/metrics.js';
import { Metrics } from './metrics.js';
import { registerStateMetrics } from './state-metrics.js';
import { startBackground } from './jobs/background.js';
import { createFileService } from './adapters/files/index.js';
import { diskFileRoutes } from './http/disk-files.js';
import { fileRoutes } from './http/files.js';
import { createLinkSigner } from './http/links.js';
import { startFileSweeper } from './jobs/file-sweeper.js';
import { createRateLimiter } from './http/rate-limit.js';
import { frameworkErrors, registerRouting } from './http/routing.js';
import { registerSecurity, userLimits } from './http/security.js';
import { corsOptions } from './http/cors.js';
import { registerBodyIdleTimeout, serverTimeouts } from './http/timeouts.js';
import { prepareDataDir } from './security/data-dir.js';
import { loadOrCreate, loadSigningKeys, randomSecret } from './security/secrets.js';
import { createTokenService } from './security/tokens.js';
import { VERSION } from './version.js';
import { createRealtime } from './realtime/index.js';
import { realClock, type Clock } from './clock.js';
import { Dependencies } from './health/dependency.js';
import { Readiness } from './health/readiness.js';

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
  /** What `/health/ready` answers from. */
  readiness: Readiness;
  /** Every route registered (HEAD included), and whether its schema hides it from the OpenAPI document. */
  routes: { method: string; url: string; hidden: boolean }[];
  /** Set when this start generated the admin token (main.ts prints it once). */
  generatedAdminToken?: string;
  close(): Promise<void>;
}

export { loadConfig, ConfigError, type Config } from './config.js';

const REDACT = ['req.headers.authorization', 'req.headers["x-scope-config"]', 'req.query.token'];

export async function buildApp(
  config: Config,
  opts: { logger?: boolean; logStream?: { write(line: string): void }; clock?: Clock } = {},
): Promise<BuiltApp> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: REDACT,
            serializers: { req: requestLogSerializer },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          },
    bodyLimit: config.bodyLimit,
    ...serverTimeouts(config),
    // fastify also takes a hop count here, which its types omit.
    trustProxy: config.trustProxy as boolean | string,
    // Identity and scopes are read by hand; keep query values as strings.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors,
    // http/drain.ts answers requests that arrive while shutting down, in the error envelope.
    return503OnClosing: false,
  });
  const routes: BuiltApp['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, hidden: r.schema?.hide === true });
  });
  const dataDirWarning = prepareDataDir(config.dataDir);
  if (dataDirWarning) app.log.warn(dataDirWarning);
  let generatedAdminToken: string | undefined;
  let adminToken = config.auth.adminToken;
  if (!adminToken) {
    const stored = loadOrCreate(config.dataDir, 'admin-token', () => randomSecret(32));
    adminToken = stored.value;
    if (stored.created) generatedAdminToken = stored.value;
  }
  const clock = opts.clock ?? realClock;
  const signingKeys = () => loadSigningKeys(config.dataDir, config.auth.signingKey, config.auth.signingKeyRotationSecs, clock.now());
  const tokens = createTokenService({
    signingKeys: signingKeys(),
    hostSecrets: config.auth.hostSecrets,
    userIdClaim: config.auth.userIdClaim,
    scopeClaim: config.auth.scopeClaim,
    jwksUrl: config.auth.jwksUrl,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clock,
  });
  // A long-running instance picks up (or makes) the next signing key when the newest one is due for rotation.
  const keyRotation = setInterval(() => tokens.setSigningKeys(signingKeys()), 3600_000);
  keyRotation.unref();
  // Every long-lived connection and loop registers here; outages are logged on change (docs/operations.md).
  const health = new Dependencies(app.log, clock);
  const database = health.register(config.database.url ? 'database (PostgreSQL pool)' : 'database (embedded PGlite)', 'database');
  const limiter = createRateLimiter(config, config.redisUrl ? health.register('redis rate limits', 'redis') : undefined, app.log);
  const db: Db = await openDatabase(config, {
    onConnectionError: (err) => database.failed(err),
    onConnect: () => database.ok(),
    onClose: () => database.closed(),
  });
  const bus: Bus = await createBus(config, health);
  const now = () => clock.now();
  const files = createFileService(config, health, (err) => app.log.warn({ err }, 'thumbnail failed'));
  // The one signer of the upload and download URLs clients see (http/links.ts).
  const links = createLinkSigner(config, files, now);
  const metrics = new Metrics();
  const services: Services = { config, db, bus, tokens, log: app.log, adminToken, files, metrics, clock, now, health };
  const readiness = new Readiness(() => db.probe(), database, health, clock);

  app.setValidatorCompiler(validatorCompiler);
  // Responses are built field by field by the serializers in queries/; schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerRouting(app);
  registerErrorHandler(app, database);
  registerBodyIdleTimeout(app, config);
  const drain = registerDrain(app);
  await registerSecurity(app, config, limiter);

  await app.register(cors, corsOptions(config));
  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley API', version: VERSION, description: 'MTChat-compatible Management and Chat API.' },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN' },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A token minted by POST /api/v1/management/tokens, or a host JWT',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  await app.register(healthRoutes(readiness));
  await app.register(uiRoutes(services));
  registerRequestMetrics(app, services);
  await app.register(metricsRoutes(services));
  registerStateMetrics(services);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(managementRoutes(services), { prefix: '/api/v1/management' });
  await app.register(agentRoutes(services), { prefix: '/api/v1/management' });
  const realtime = await createRealtime(services, links);
  await app.register(realtime.routes);
  // Agent runs (docs/agents.md).
  const agentWorker = startAgentWorker(services);
  await app.register(
    async (chat) => {
      chat.addHook('preHandler', actorGuard(services));
      chat.addHook('preHandler', userLimits(limiter));
      await chat.register(chatDialogRoutes(services, realtime.isOnline));
      await chat.register(chatMessageRoutes(services, links));
      await chat.register(fileRoutes(services, links));
      await chat.register(chatSearchRoutes(services, links));
      await chat.register(agentRunRoutes(services, agentWorker));
    },
    { prefix: '/api/v1' },
  );
  // ChatKit's endpoint: the Chat API's tokens and limits (docs/chatkit.md).
  await app.register(async (chatkit) => {
    chatkit.addHook('preHandler', actorGuard(services));
    chatkit.addHook('preHandler', userLimits(limiter));
    await chatkit.register(chatKitRoutes(services, agentWorker, links, limiter));
  });
  // Webhook deliveries, smart notifications and auto-archive (docs/webhooks.md).
  await app.register(webhookRoutes(services), { prefix: '/api/v1/management' });
  await app.register(managementSearchRoutes(services, links), { prefix: '/api/v1/management' });
  const background = startBackground(services);
  // Attachments: the disk store's own signed routes, and the sweep of expired uploads and deleted files (docs/files.md).
  if (services.files.disk && links.disk) await app.register(diskFileRoutes(services.files.disk, links.disk));
  const fileSweeper = startFileSweeper(services);
  app.log.info(
    { connections: health.list().map((d) => `${d.name} [${d.kind}]`) },
    'long-lived connections and loops (each reports its outages)',
  );

  return {
    app,
    services,
    readiness,
    routes,
    generatedAdminToken,
    async close() {
      // Graceful shutdown (docs/operations.md): turn new requests away, hand leased background work back, let
      // in-flight requests finish up to SHUTDOWN_DRAIN_SECS, close realtime with 1001 (clients resume elsewhere).
      drain.begin();
      clearInterval(keyRotation);
      await background.stop();
      await agentWorker.stop();
      await fileSweeper.stop();
      await services.files.thumbnails.close();
      // Sockets that never send a request (or streams that never end) do not get to hold the shutdown hostage.
      const grace = setTimeout(() => app.server.closeAllConnections(), config.shutdownDrainMs);
      grace.unref();
      await app.close();
      clearTimeout(grace);
      await realtime.close();
      await limiter?.close();
      await bus.close();
      await db.close();
      await services.files.store.close();
      links.close();
    },
  };
}
