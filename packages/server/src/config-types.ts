/** @module config-types: the shape of Parley's parsed settings (config.ts parses them from the environment). */
import type { WebhookEventName } from './events/webhooks/catalog.js';

/** How presence changes reach co-participants (realtime/presence-fanout.ts). */
export interface PresenceSettings {
  /** Changes are gathered this long, then sent together (one change per user: the last). */
  windowMs: number;
  /** A dialog with more members than this gets a count (`presence.digest`) instead of one frame per member. */
  largeDialog: number;
  /** A large dialog's digest goes out once its presence has been quiet this long... */
  digestQuietMs: number;
  /** ...or this long after its first change not yet told, whichever comes first. */
  digestMaxMs: number;
}

export interface Config {
  /** Where /ui/parley-ui.js is read from (default: @parley/ui's build), and the demo linked from `/`. */
  ui: { bundlePath?: string; demoUrl?: string };
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  database: {
    url?: string;
    schema?: string;
    maxConnections: number;
    minConnections: number;
    acquireTimeoutMs: number;
    idleTimeoutMs: number;
    maxLifetimeSecs: number;
    /** Statements with parameters run prepared (parsed and planned once per session). */
    preparedStatements: boolean;
  };
  auth: {
    adminToken?: string;
    /** 'token': a verified token is required; 'legacy': MTChat's user_id query parameter is trusted. */
    mode: 'token' | 'legacy';
    hostSecrets: string[];
    userIdClaim: string;
    /** The host-JWT claim holding a scope ({scope_level0..2}); when present it overrides X-Scope-Config. */
    scopeClaim: string;
    signingKey?: string;
    signingKeyRotationSecs: number;
    tokenMaxTtlSecs: number;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  /** Token buckets: per user for every Chat API request, a stricter one for sends and presigns, and per IP. */
  rateLimit: {
    enabled: boolean;
    user: { rps: number; burst: number };
    send: { rps: number; burst: number };
    ip: { rps: number; burst: number };
  };
  redisUrl?: string;
  /** Namespace of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  cors: { origins: string[] | '*'; methods: string[]; headers: string[] | '*'; credentials: boolean; maxAge: number };
  bodyLimit: number;
  /** How long a client may take to send headers, a whole request, a pause in a body; idle keep-alive. */
  httpTimeouts: { headersMs: number; requestMs: number; bodyIdleMs: number; keepAliveMs: number };
  /** On SIGTERM, how long in-flight requests may take to finish before their connections are cut. */
  shutdownDrainMs: number;
  /** Fastify's trustProxy: false (default), true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string;
  eventRetentionSecs: number;
  /** WebSocket/SSE delivery: frames queued per slow client before it is told to resync; heartbeat period. */
  /** authNoticeSecs: how long before a connection's token expires it is sent `auth.expiring`. */
  realtime: {
    queueLimit: number;
    queueBytes: number;
    heartbeatSecs: number;
    authNoticeSecs: number;
    /** Resumes are gathered this long before a read of the log when none is running (realtime/replay-reader.ts). */
    resumeWindowMs: number;
    presence: PresenceSettings;
  };
  /** Set only when both WEBHOOK_URL and WEBHOOK_SECRET are (as in MTChat); otherwise no delivery is created. */
  webhooks?: WebhookConfig;
  jobs: JobsConfig;
  files: FilesConfig;
  /**
   * language: the text search configuration of the message index (checked against the database at start-up);
   * probe: how many of the newest messages a search looks through first (queries/search-plan.ts).
   */
  search: SearchConfig;
  agents: AgentsConfig;
}

export interface SearchConfig {
  language: string;
  probe: number;
}

export interface AgentsConfig {
  /** Agent runs in flight per instance. */
  concurrency: number;
  timeoutMs: number;
  /** How many recent dialog messages an agent is given. */
  historyItems: number;
  /** A run's lease, renewed while it runs: after a crash another instance takes the run over within this. */
  leaseMs: number;
  chatkitDefaultAgent?: string;
  /** The key host entity tags are signed with; without it only agent tags pass. */
  chatkitEntitySecret?: string;
}

export interface FilesConfig {
  /** Set when every S3 connection variable is; otherwise files live in the disk store under DATA_DIR. */
  s3?: { endpoint: string; publicEndpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  uploadExpirySecs: number;
  downloadExpirySecs: number;
  /** How long an uploaded file may wait to be attached to a message; never shorter than the upload URL's life. */
  claimWindowSecs: number;
  /** The base of the disk store's links; when unset, the base the request came in on. */
  publicUrl?: string;
  signingKey?: string;
  sweepIntervalMs: number;
  /** Bytes one user's unattached uploads may reserve. */
  uploadQuotaBytes: number;
  /** Thumbnails made at once, waiting at most, and the decoded size (bytes) past which an image gets none. */
  thumbnailConcurrency: number;
  thumbnailQueueLimit: number;
  thumbnailMaxDecodeBytes: number;
}

export interface WebhookConfig {
  url: string;
  secret: string;
  events: ReadonlySet<WebhookEventName>;
  timeoutMs: number;
  /** How long a delivery is retried after its first attempt before it is marked failed. */
  retryMaxMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  concurrency: number;
}

export interface JobsConfig {
  pollIntervalMs: number;
  notificationDelaySecs: number;
  notificationConcurrency: number;
  /** A 6-field cron (seconds first, UTC), or undefined when ARCHIVE_CRON=off. */
  archiveCron?: string;
  archiveAfterSecs: number;
}
