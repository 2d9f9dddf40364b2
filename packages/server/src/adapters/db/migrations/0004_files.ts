/**
 * @module migrations/0004_files: presigned uploads, message attachments, and the queue of stored objects to
 * delete. Triggers queue an object whenever the row that owned it goes, by any path (a message or dialog
 * delete cascades here), in the same transaction; the sweeper deletes the objects (docs/files.md).
 */
export const up = `
CREATE TABLE uploads (
  id uuid PRIMARY KEY,
  key varchar(512) NOT NULL UNIQUE,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  user_id varchar(255) NOT NULL,
  filename varchar(255) NOT NULL,
  content_type varchar(255) NOT NULL,
  size bigint NOT NULL CHECK (size BETWEEN 1 AND 104857600),
  sealed_key varchar(512) NOT NULL,
  thumb_key varchar(512) NOT NULL,
  created_at timestamptz NOT NULL,
  url_expires_at timestamptz NOT NULL,
  claim_until timestamptz NOT NULL,
  state varchar(16) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sealing', 'sealed', 'claimed')),
  lease_token varchar(32),
  lease_until timestamptz,
  width integer,
  height integer,
  has_thumbnail boolean NOT NULL DEFAULT false
);
CREATE INDEX uploads_dialog_idx ON uploads (dialog_id);
CREATE INDEX uploads_unclaimed_idx ON uploads (claim_until) WHERE state <> 'claimed';
CREATE INDEX uploads_claimed_idx ON uploads (url_expires_at) WHERE state = 'claimed';

CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  dialog_id uuid NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  position smallint NOT NULL,
  s3_key varchar(512) NOT NULL UNIQUE,
  storage_key varchar(512) NOT NULL,
  thumb_key varchar(512),
  filename varchar(255) NOT NULL,
  content_type varchar(255) NOT NULL,
  size bigint NOT NULL CHECK (size BETWEEN 1 AND 104857600),
  width integer,
  height integer,
  created_at timestamptz NOT NULL
);
CREATE INDEX attachments_message_idx ON attachments (message_id, position);
CREATE INDEX attachments_dialog_idx ON attachments (dialog_id);

CREATE TABLE file_garbage (
  key varchar(512) PRIMARY KEY,
  queued_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION parley_attachment_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_garbage (key) VALUES (OLD.storage_key) ON CONFLICT DO NOTHING;
  IF OLD.thumb_key IS NOT NULL THEN
    INSERT INTO file_garbage (key) VALUES (OLD.thumb_key) ON CONFLICT DO NOTHING;
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER attachments_garbage AFTER DELETE ON attachments FOR EACH ROW EXECUTE FUNCTION parley_attachment_garbage();

-- The raw upload always goes; the checked copy and the thumbnail only if no message owns them.
CREATE FUNCTION parley_upload_garbage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_garbage (key) VALUES (OLD.key) ON CONFLICT DO NOTHING;
  IF OLD.state <> 'claimed' THEN
    INSERT INTO file_garbage (key) VALUES (OLD.sealed_key), (OLD.thumb_key) ON CONFLICT DO NOTHING;
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER uploads_garbage AFTER DELETE ON uploads FOR EACH ROW EXECUTE FUNCTION parley_upload_garbage();
`;
