/**
 * @module metrics: Prometheus metrics (prom-client), one registry per app instance, served at `GET /metrics`
 * (http/metrics.ts). Counters are bumped where things happen; gauges that describe state (connections, queues,
 * webhook and job backlogs, the database pool) are read when Prometheus scrapes. Every metric is listed in
 * docs/metrics.md.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'parley_events_appended_total',
    help: 'Events appended to the event log (committed), by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'parley_realtime_events_delivered_total',
    help: 'Log events handed to realtime connections by this instance (live and replayed; one per connection)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });

  readonly replayReads = new Counter({
    name: 'parley_realtime_replay_reads_total',
    help: 'Reads of the event log made for resumes (one per stretch of the log, shared by the resumes waiting then)',
    registers: [this.registry],
  });

  readonly realtimeQueries = new Counter({
    name: 'parley_realtime_db_queries_total',
    help: "Database queries made for realtime connections (connects, resumes, presence), not the hub's reading of the log",
    registers: [this.registry],
  });

  readonly sessionsOpened = new Counter({
    name: 'parley_realtime_sessions_opened_total',
    help: 'Realtime connections fully opened (connected sent, then the replay or the snapshot)',
    registers: [this.registry],
  });

  readonly resyncs = new Counter({
    name: 'parley_realtime_resyncs_total',
    help: 'Connections told to resync and closed because their queue was full',
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'parley_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }

  /** A gauge whose values are read at scrape time. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void> | void,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await read((labels, value) => this.set(labels as never, value));
      },
    });
  }
}
