/** @module migrations/0006_agents: the agent registry, agent runs (one per triggering message) and agent items. */
export const up = `
CREATE TABLE agents (
  id varchar(200) PRIMARY KEY,
  display_name text NOT NULL,
  kind varchar(16) NOT NULL CHECK (kind IN ('http', 'openai', 'demo')),
  trigger varchar(16) NOT NULL CHECK (trigger IN ('every_message', 'mention')),
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE agent_runs (
  id uuid PRIMARY KEY,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  agent_id varchar(200) NOT NULL,
  kind varchar(16) NOT NULL CHECK (kind IN ('respond', 'action')),
  trigger_message_id uuid,
  input jsonb NOT NULL DEFAULT '{}'::jsonb,
  status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  cancel_requested boolean NOT NULL DEFAULT false,
  partial jsonb,
  error text,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX agent_runs_trigger_idx ON agent_runs (agent_id, trigger_message_id) WHERE trigger_message_id IS NOT NULL;
CREATE INDEX agent_runs_dialog_active_idx ON agent_runs (dialog_id) WHERE status IN ('queued', 'running');

CREATE TABLE agent_items (
  message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  run_id uuid,
  item_type varchar(32) NOT NULL,
  item jsonb NOT NULL
);
CREATE INDEX agent_items_dialog_idx ON agent_items (dialog_id, message_id);

CREATE TABLE item_feedback (
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id varchar(255) NOT NULL,
  kind varchar(16) NOT NULL CHECK (kind IN ('positive', 'negative')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
`;
