/** @module migrations/0003_jobs: durable webhook deliveries, the background job queue, cron tick claims. */
export const up = `
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  event_id bigint,
  dialog_id uuid,
  event varchar(64) NOT NULL,
  body text NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  first_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  lease_until timestamptz,
  lease_token text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  failed_at timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_dialog_pending_idx ON webhook_deliveries (dialog_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, seq);
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at);

CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  kind varchar(64) NOT NULL,
  payload jsonb NOT NULL,
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  lease_token text,
  last_error text,
  dead_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (kind, run_at, id) WHERE dead_at IS NULL;

CREATE TABLE cron_ticks (
  name varchar(64) PRIMARY KEY,
  last_tick timestamptz NOT NULL,
  finished_tick timestamptz,
  finished_at timestamptz,
  last_result jsonb
);
`;
