/** @module migrations/0001_create_core: dialogs, participants, scopes, messages, edit history, the event log. */
export const up = `
CREATE TABLE dialogs (
  id uuid PRIMARY KEY,
  object_id varchar(255) NOT NULL,
  object_type varchar(100) NOT NULL,
  title text,
  object_url text,
  created_by varchar(255),
  created_at timestamptz NOT NULL,
  meta jsonb,
  message_seq bigint NOT NULL DEFAULT 0,
  last_message_id uuid,
  last_message_at timestamptz
);
CREATE INDEX dialogs_object_idx ON dialogs (object_type, object_id, created_at DESC);
CREATE INDEX dialogs_created_idx ON dialogs (created_at DESC, id DESC);

CREATE TABLE dialog_access_scopes (
  id uuid PRIMARY KEY,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  scope_level0 text[] NOT NULL DEFAULT '{}',
  scope_level1 text[] NOT NULL DEFAULT '{}',
  scope_level2 text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE INDEX dialog_access_scopes_dialog_idx ON dialog_access_scopes (dialog_id);
CREATE INDEX dialog_access_scopes_level0_idx ON dialog_access_scopes USING gin (scope_level0);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  sender_id varchar(255),
  content text NOT NULL,
  sent_at timestamptz NOT NULL,
  last_edited_at timestamptz,
  reply_to_id uuid REFERENCES messages(id) ON DELETE SET NULL,
  message_type varchar(16) NOT NULL CHECK (message_type IN ('user', 'system')),
  seq bigint NOT NULL,
  client_message_id varchar(128),
  CHECK ((message_type = 'system') = (sender_id IS NULL))
);
ALTER TABLE dialogs ADD CONSTRAINT dialogs_last_message_fk FOREIGN KEY (last_message_id) REFERENCES messages(id) ON DELETE SET NULL;
CREATE INDEX messages_dialog_idx ON messages (dialog_id, id);
CREATE INDEX messages_reply_idx ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client_id_idx ON messages (dialog_id, sender_id, client_message_id)
  WHERE client_message_id IS NOT NULL;

CREATE TABLE dialog_participants (
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  user_id varchar(255) NOT NULL,
  joined_at timestamptz NOT NULL,
  joined_as varchar(16) NOT NULL CHECK (joined_as IN ('creator', 'participant', 'joined')),
  notifications_enabled boolean NOT NULL DEFAULT true,
  last_read_message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
  read_seq bigint NOT NULL DEFAULT 0,
  display_name text,
  company text,
  email text,
  phone text,
  is_archived boolean NOT NULL DEFAULT false,
  is_pinned boolean NOT NULL DEFAULT false,
  PRIMARY KEY (dialog_id, user_id)
);
CREATE INDEX dialog_participants_user_idx ON dialog_participants (user_id, dialog_id);

CREATE TABLE message_edit_history (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  old_content text NOT NULL,
  edited_at timestamptz NOT NULL
);
CREATE INDEX message_edit_history_message_idx ON message_edit_history (message_id);

CREATE TABLE events (
  id bigserial PRIMARY KEY,
  dialog_id uuid,
  type varchar(64) NOT NULL,
  payload jsonb NOT NULL,
  to_members boolean NOT NULL,
  to_users text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE INDEX events_dialog_idx ON events (dialog_id, id);
CREATE INDEX events_created_idx ON events (created_at);
`;
