/** @module config: every setting Parley reads, parsed once from the environment, with a clear error per bad variable. */
import { z } from 'zod';
import { Cron } from 'croner';
import { parseWebhookEvents } from './events/webhooks/catalog.js';
import type { Config, FilesConfig, WebhookConfig } from './config-types.js';

export type * from './config-types.js';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v === 'true' || v === '1'));
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });
const text = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const url = (protocols: RegExp) =>
  text.refine((v) => v === undefined || (URL.canParse(v) && protocols.test(new URL(v).protocol)), {
    message: 'must be a valid URL',
  });

const EnvSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: text.default('0.0.0.0'),
  DATA_DIR: text.default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(/^postgres(ql)?:$/),
  DATABASE_SCHEMA: text.refine((v) => v === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(v), {
    message: 'must be a lower-case SQL identifier',
  }),
  DATABASE_MAX_CONNECTIONS: int(20, 1, 1000),
  DATABASE_MIN_CONNECTIONS: int(5, 0, 1000),
  DATABASE_ACQUIRE_TIMEOUT_SECS: int(30, 1),
  DATABASE_IDLE_TIMEOUT_SECS: int(600, 1),
  DATABASE_MAX_LIFETIME_SECS: int(1800, 1),
  DATABASE_PREPARED_STATEMENTS: bool(true),
  ADMIN_API_TOKEN: text.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  JWT_AUTH_ENABLED: z.enum(['true', 'false', '1', '0']).optional(),
  JWT_SECRET: text,
  JWT_SECRETS: z.string().optional(),
  JWT_USER_ID_CLAIM: text.default('sub'),
  JWT_SCOPE_CLAIM: text.default('parley_scope'),
  PARLEY_SIGNING_KEY: text.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters long',
  }),
  TOKEN_MAX_TTL_SECS: int(900, 1, 7 * 24 * 3600),
  SIGNING_KEY_ROTATION_SECS: int(30 * 24 * 3600, 3600),
  JWT_JWKS_URL: url(/^https?:$/),
  JWT_ISSUER: text,
  JWT_AUDIENCE: text,
  RATE_LIMIT_ENABLED: bool(true),
  RATE_LIMIT_RPS: int(20, 1, 100_000),
  RATE_LIMIT_BURST: int(100, 1, 1_000_000),
  RATE_LIMIT_SEND_RPS: int(5, 1, 100_000),
  RATE_LIMIT_SEND_BURST: int(20, 1, 1_000_000),
  RATE_LIMIT_IP_RPS: int(100, 1, 1_000_000),
  RATE_LIMIT_IP_BURST: int(500, 1, 10_000_000),
  REDIS_URL: url(/^rediss?:$/),
  REDIS_PREFIX: text
    .default('parley')
    .refine((v) => /^[A-Za-z0-9_.:-]{1,64}$/.test(v), { message: 'must be 1-64 letters, digits or _.:-' }),
  CORS_ALLOWED_ORIGINS: text.default('*'),
  CORS_ALLOWED_METHODS: text.default('GET,POST,PUT,DELETE,OPTIONS'),
  CORS_ALLOWED_HEADERS: text.default('*'),
  CORS_ALLOW_CREDENTIALS: bool(false),
  CORS_MAX_AGE: int(3600),
  BODY_LIMIT_BYTES: int(2 * 1024 * 1024, 1024),
  HTTP_HEADERS_TIMEOUT_SECS: int(10, 1, 3600),
  HTTP_REQUEST_TIMEOUT_SECS: int(300, 1, 24 * 3600),
  HTTP_BODY_IDLE_TIMEOUT_SECS: int(30, 1, 3600),
  HTTP_KEEP_ALIVE_TIMEOUT_SECS: int(72, 1, 3600),
  SHUTDOWN_DRAIN_SECS: int(10, 0, 3600),
  TRUST_PROXY: text,
  EVENT_RETENTION_SECS: int(7 * 24 * 3600, 1),
  REALTIME_QUEUE_LIMIT: int(256, 1, 100_000),
  REALTIME_QUEUE_BYTES: int(4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  REALTIME_HEARTBEAT_SECS: int(25, 1, 3600),
  REALTIME_AUTH_NOTICE_SECS: int(60, 0, 3600),
  REALTIME_RESUME_WINDOW_MS: int(0, 0, 1000),
  // Presence fan-out (docs/events.md, "Presence").
  PRESENCE_WINDOW_MS: int(250, 1, 60_000),
  PRESENCE_LARGE_DIALOG: int(100, 2, 1_000_000),
  PRESENCE_DIGEST_QUIET_MS: int(1000, 1, 600_000),
  PRESENCE_DIGEST_MAX_MS: int(10_000, 1, 3_600_000),
  // Webhooks and background jobs (docs/webhooks.md).
  WEBHOOK_URL: url(/^https?:$/),
  WEBHOOK_SECRET: text,
  WEBHOOK_EVENTS: z.string().optional(),
  WEBHOOK_TIMEOUT_SECS: int(10, 1, 300),
  WEBHOOK_RETRY_MAX_SECS: int(24 * 3600, 0),
  WEBHOOK_RETRY_BASE_MS: int(1000, 1, 3_600_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: int(600_000, 1, 86_400_000),
  WEBHOOK_CONCURRENCY: int(32, 1, 256),
  NOTIFICATION_DELAY_SECS: int(30, 0, 7 * 24 * 3600),
  NOTIFICATION_CONCURRENCY: int(4, 1, 256),
  ARCHIVE_CRON: text.default('0 */5 * * * *'),
  ARCHIVE_AFTER_SECS: int(259200, 1),
  JOB_POLL_INTERVAL_MS: int(1000, 10, 60_000),
  // Attachments (docs/files.md): S3 when every S3_* connection variable is set, else the disk store under DATA_DIR.
  S3_ENDPOINT: url(/^https?:$/),
  S3_PUBLIC_ENDPOINT: url(/^https?:$/),
  S3_REGION: text,
  S3_ACCESS_KEY_ID: text,
  S3_SECRET_ACCESS_KEY: text,
  S3_BUCKET: text,
  S3_PRESIGN_UPLOAD_EXPIRY: int(300, 1, 7 * 24 * 3600),
  S3_PRESIGN_DOWNLOAD_EXPIRY: int(3600, 1, 7 * 24 * 3600),
  UPLOAD_CLAIM_WINDOW_SECS: int(24 * 3600, 1, 30 * 24 * 3600),
  FILES_PUBLIC_URL: url(/^https?:$/),
  FILES_SIGNING_KEY: text.refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters long' }),
  FILES_SWEEP_INTERVAL_MS: int(60_000, 50, 24 * 3600_000),
  UPLOAD_QUOTA_BYTES: int(1024 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  THUMBNAIL_CONCURRENCY: int(1, 1, 64),
  THUMBNAIL_QUEUE_LIMIT: int(200, 1, 1_000_000),
  THUMBNAIL_MAX_DECODE_BYTES: int(256 * 1024 * 1024, 1024 * 1024, 8 * 1024 * 1024 * 1024),
  // Message search (docs/search.md): the PostgreSQL text search configuration; `simple` matches word for word.
  SEARCH_LANGUAGE: text
    .default('simple')
    .refine((v) => /^[a-z_][a-z0-9_]{0,62}$/.test(v), { message: 'must be a text search configuration name such as simple or english' }),
  SEARCH_PROBE_MESSAGES: int(2_000, 1, 1_000_000),
  // AI agents (docs/agents.md).
  AGENT_CONCURRENCY: int(8, 1, 1024),
  AGENT_TIMEOUT_SECS: int(120, 1, 3600),
  AGENT_HISTORY_ITEMS: int(30, 1, 1000),
  AGENT_LEASE_SECS: int(15, 1, 3600),
  CHATKIT_DEFAULT_AGENT: text,
  // The key a host signs ChatKit entity tags with (docs/chatkit.md, "Entity tags"); unset: only agent tags are accepted.
  CHATKIT_ENTITY_SECRET: text,
  // The web UI (docs/ui.md): the bundle served at /ui/parley-ui.js, and the demo host app linked from /.
  UI_BUNDLE_PATH: text,
  DEMO_URL: url(/^https?:$/),
});

/** Records one bad variable (or set of variables) and why. */
type Bad = (name: string, message: string) => void;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(raw: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const bad: Bad = (name, message) => problems.push(`  ${name}: ${message}`);
  // Variables that do not parse are named, then left out (their defaults stand in), so that the rules across
  // variables below still run and one start names every bad variable at once.
  const parsed = EnvSchema.safeParse(raw);
  const unparsed = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  for (const i of parsed.error?.issues ?? []) bad(String(i.path[0]), i.message);
  const env = unparsed.size === 0 ? raw : Object.fromEntries(Object.entries(raw).filter(([name]) => !unparsed.has(name)));
  const rest = parsed.success ? parsed : EnvSchema.safeParse(env);
  if (!rest.success) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const e = rest.data;
  // Every rule across variables reports here too.
  const hostSecrets =
    env.JWT_SECRETS !== undefined && env.JWT_SECRETS.trim() !== '' ? list.parse(env.JWT_SECRETS) : e.JWT_SECRET ? [e.JWT_SECRET] : [];
  if (env.JWT_SECRETS !== undefined && env.JWT_SECRETS.trim() !== '' && hostSecrets.length === 0) {
    bad('JWT_SECRETS', 'contains no secret');
  }
  const jwtEnabled = e.JWT_AUTH_ENABLED === undefined ? undefined : e.JWT_AUTH_ENABLED === 'true' || e.JWT_AUTH_ENABLED === '1';
  if (jwtEnabled === true && hostSecrets.length === 0 && !e.JWT_JWKS_URL) {
    bad('JWT_AUTH_ENABLED', 'is true, but none of JWT_SECRET, JWT_SECRETS or JWT_JWKS_URL is set');
  }
  if (hostSecrets.some((s) => s.length < 16)) bad('JWT_SECRET(S)', 'every secret must be at least 16 characters long');
  const corsList = (v: string) => (v === '*' ? '*' : list.parse(v));
  const origins = corsList(e.CORS_ALLOWED_ORIGINS);
  if (origins !== '*') {
    for (const o of origins) {
      if (!URL.canParse(o) || new URL(o).origin !== o) {
        bad('CORS_ALLOWED_ORIGINS', `'${o}' is not an origin like https://app.example.com`);
      }
    }
  }
  const headers = corsList(e.CORS_ALLOWED_HEADERS);
  if (e.CORS_ALLOW_CREDENTIALS && (origins === '*' || headers === '*')) {
    bad('CORS_ALLOW_CREDENTIALS', 'cannot be combined with a * origin or header list');
  }
  const webhooks = webhookConfig(e, bad);
  const files = filesConfig(e, bad);
  const cron = archiveCron(e.ARCHIVE_CRON, bad);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return {
    ui: { bundlePath: e.UI_BUNDLE_PATH, demoUrl: e.DEMO_URL },
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      schema: e.DATABASE_SCHEMA,
      maxConnections: e.DATABASE_MAX_CONNECTIONS,
      minConnections: Math.min(e.DATABASE_MIN_CONNECTIONS, e.DATABASE_MAX_CONNECTIONS),
      acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_SECS * 1000,
      idleTimeoutMs: e.DATABASE_IDLE_TIMEOUT_SECS * 1000,
      maxLifetimeSecs: e.DATABASE_MAX_LIFETIME_SECS,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    },
    auth: {
      adminToken: e.ADMIN_API_TOKEN,
      mode: jwtEnabled === false ? 'legacy' : 'token',
      hostSecrets,
      userIdClaim: e.JWT_USER_ID_CLAIM,
      scopeClaim: e.JWT_SCOPE_CLAIM,
      signingKey: e.PARLEY_SIGNING_KEY,
      signingKeyRotationSecs: e.SIGNING_KEY_ROTATION_SECS,
      tokenMaxTtlSecs: e.TOKEN_MAX_TTL_SECS,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
    },
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED,
      user: { rps: e.RATE_LIMIT_RPS, burst: e.RATE_LIMIT_BURST },
      send: { rps: e.RATE_LIMIT_SEND_RPS, burst: e.RATE_LIMIT_SEND_BURST },
      ip: { rps: e.RATE_LIMIT_IP_RPS, burst: e.RATE_LIMIT_IP_BURST },
    },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    cors: {
      origins,
      methods: list.parse(e.CORS_ALLOWED_METHODS),
      headers,
      credentials: e.CORS_ALLOW_CREDENTIALS,
      maxAge: e.CORS_MAX_AGE,
    },
    bodyLimit: e.BODY_LIMIT_BYTES,
    httpTimeouts: {
      headersMs: e.HTTP_HEADERS_TIMEOUT_SECS * 1000,
      requestMs: Math.max(e.HTTP_REQUEST_TIMEOUT_SECS, e.HTTP_HEADERS_TIMEOUT_SECS) * 1000,
      bodyIdleMs: e.HTTP_BODY_IDLE_TIMEOUT_SECS * 1000,
      keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_SECS * 1000,
    },
    shutdownDrainMs: e.SHUTDOWN_DRAIN_SECS * 1000,
    trustProxy:
      e.TRUST_PROXY === undefined || e.TRUST_PROXY === 'false'
        ? false
        : e.TRUST_PROXY === 'true'
          ? true
          : /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY,
    eventRetentionSecs: e.EVENT_RETENTION_SECS,
    realtime: {
      queueLimit: e.REALTIME_QUEUE_LIMIT,
      queueBytes: e.REALTIME_QUEUE_BYTES,
      heartbeatSecs: e.REALTIME_HEARTBEAT_SECS,
      authNoticeSecs: e.REALTIME_AUTH_NOTICE_SECS,
      resumeWindowMs: e.REALTIME_RESUME_WINDOW_MS,
      presence: {
        windowMs: e.PRESENCE_WINDOW_MS,
        largeDialog: e.PRESENCE_LARGE_DIALOG,
        digestQuietMs: e.PRESENCE_DIGEST_QUIET_MS,
        digestMaxMs: e.PRESENCE_DIGEST_MAX_MS,
      },
    },
    webhooks,
    jobs: {
      pollIntervalMs: e.JOB_POLL_INTERVAL_MS,
      notificationDelaySecs: e.NOTIFICATION_DELAY_SECS,
      notificationConcurrency: e.NOTIFICATION_CONCURRENCY,
      archiveCron: cron,
      archiveAfterSecs: e.ARCHIVE_AFTER_SECS,
    },
    files,
    search: { language: e.SEARCH_LANGUAGE, probe: e.SEARCH_PROBE_MESSAGES },
    agents: {
      concurrency: e.AGENT_CONCURRENCY,
      timeoutMs: e.AGENT_TIMEOUT_SECS * 1000,
      historyItems: e.AGENT_HISTORY_ITEMS,
      leaseMs: e.AGENT_LEASE_SECS * 1000,
      chatkitDefaultAgent: e.CHATKIT_DEFAULT_AGENT,
      chatkitEntitySecret: e.CHATKIT_ENTITY_SECRET,
    },
  };
}

const S3_VARS = ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_BUCKET'] as const;

/** S3 needs all of its connection variables; a partial set is a mistake, not a reason to fall back to disk. */
function filesConfig(e: z.output<typeof EnvSchema>, bad: Bad): FilesConfig {
  const missing = S3_VARS.filter((k) => e[k] === undefined);
  if (missing.length > 0 && missing.length < S3_VARS.length) {
    bad(missing.join(', '), 'required when any S3_* connection variable is set');
  }
  const s3 =
    missing.length === 0
      ? {
          endpoint: e.S3_ENDPOINT!,
          publicEndpoint: e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT!,
          region: e.S3_REGION!,
          accessKeyId: e.S3_ACCESS_KEY_ID!,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
          bucket: e.S3_BUCKET!,
        }
      : undefined;
  return {
    s3,
    uploadExpirySecs: e.S3_PRESIGN_UPLOAD_EXPIRY,
    downloadExpirySecs: e.S3_PRESIGN_DOWNLOAD_EXPIRY,
    claimWindowSecs: Math.max(e.UPLOAD_CLAIM_WINDOW_SECS, e.S3_PRESIGN_UPLOAD_EXPIRY),
    publicUrl: e.FILES_PUBLIC_URL?.replace(/\/+$/, ''),
    signingKey: e.FILES_SIGNING_KEY,
    sweepIntervalMs: e.FILES_SWEEP_INTERVAL_MS,
    uploadQuotaBytes: e.UPLOAD_QUOTA_BYTES,
    thumbnailConcurrency: e.THUMBNAIL_CONCURRENCY,
    thumbnailQueueLimit: e.THUMBNAIL_QUEUE_LIMIT,
    thumbnailMaxDecodeBytes: e.THUMBNAIL_MAX_DECODE_BYTES,
  };
}

function webhookConfig(e: z.output<typeof EnvSchema>, bad: Bad): WebhookConfig | undefined {
  const events = parseWebhookEvents(e.WEBHOOK_EVENTS);
  if ('error' in events) {
    bad('WEBHOOK_EVENTS', events.error);
    return undefined;
  }
  if (!e.WEBHOOK_URL || !e.WEBHOOK_SECRET) return undefined;
  return {
    url: e.WEBHOOK_URL,
    secret: e.WEBHOOK_SECRET,
    events,
    timeoutMs: e.WEBHOOK_TIMEOUT_SECS * 1000,
    retryMaxMs: e.WEBHOOK_RETRY_MAX_SECS * 1000,
    retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    retryMaxDelayMs: e.WEBHOOK_RETRY_MAX_DELAY_MS,
    concurrency: e.WEBHOOK_CONCURRENCY,
  };
}

/** `off` disables auto-archive; anything else must be a cron pattern (6 fields, seconds first, as MTChat's). */
function archiveCron(pattern: string, bad: Bad): string | undefined {
  if (pattern.toLowerCase() === 'off') return undefined;
  try {
    new Cron(pattern, { paused: true, timezone: 'UTC' }).stop();
  } catch (err) {
    bad('ARCHIVE_CRON', (err as Error).message);
    return undefined;
  }
  return pattern;
}
