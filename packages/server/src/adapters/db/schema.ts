/** @module db/schema: the tables as Kysely sees them (one source for both PostgreSQL and PGlite). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Int8 = ColumnType<string | number | bigint, number | bigint | string, number | bigint | string>;

export interface DialogsTable {
  id: string;
  object_id: string;
  object_type: string;
  title: string | null;
  object_url: string | null;
  created_by: string | null;
  created_at: Timestamp;
  meta: ColumnType<unknown, string | null, string | null>;
  /** Number of user messages ever sent: the unread-count clock of this dialog. */
  message_seq: Int8;
  last_message_id: string | null;
  last_message_at: Timestamp | null;
}

export interface ParticipantsTable {
  dialog_id: string;
  user_id: string;
  joined_at: Timestamp;
  joined_as: 'creator' | 'participant' | 'joined';
  notifications_enabled: boolean;
  last_read_message_id: string | null;
  /** The dialog's message_seq at this participant's read position; unread = message_seq - read_seq. */
  read_seq: Int8;
  display_name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  is_archived: boolean;
  is_pinned: boolean;
}

export interface AccessScopesTable {
  id: string;
  dialog_id: string;
  scope_level0: string[];
  scope_level1: string[];
  scope_level2: string[];
  created_at: Timestamp;
}

export interface MessagesTable {
  id: string;
  dialog_id: string;
  sender_id: string | null;
  content: string;
  sent_at: Timestamp;
  last_edited_at: Timestamp | null;
  reply_to_id: string | null;
  message_type: 'user' | 'system';
  /** The dialog's message_seq right after this message (system messages do not advance it). */
  seq: Int8;
  client_message_id: string | null;
}

export interface EditHistoryTable {
  id: string;
  message_id: string;
  old_content: string;
  edited_at: Timestamp;
}

export interface EventsTable {
  id: Generated<Int8>;
  dialog_id: string | null;
  type: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  /** Deliver to whoever is a member of dialog_id when the event is read. */
  to_members: boolean;
  /** Deliver also to these users (for example one who just left). */
  to_users: string[];
  created_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  /** The envelope id and X-Webhook-Id: the same on every attempt. */
  id: string;
  /** Creation order; deliveries of one dialog go out in this order. */
  seq: Generated<Int8>;
  event_id: Int8 | null;
  dialog_id: string | null;
  /** Dotted name, as in X-Webhook-Event. */
  event: string;
  /** The exact JSON bytes that are signed and sent. */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  first_attempt_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  lease_until: Timestamp | null;
  lease_token: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
  failed_at: Timestamp | null;
}

export interface JobsTable {
  id: Generated<Int8>;
  kind: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  run_at: Timestamp;
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  lease_token: string | null;
  last_error: string | null;
  dead_at: Timestamp | null;
  created_at: Timestamp;
}

export interface CronTicksTable {
  name: string;
  last_tick: Timestamp;
  finished_tick: Timestamp | null;
  finished_at: Timestamp | null;
  last_result: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** pending: presigned; sealing: one send is checking it (leased); sealed: checked, ready to attach; claimed: attached. */
export type UploadState = 'pending' | 'sealing' | 'sealed' | 'claimed';

/** A presigned upload: bound to one user, dialog, key, content type and size (docs/files.md). */
export interface UploadsTable {
  id: string;
  /** The key the client uploads to and names in a message: dialogs/{dialog}/{id}.{ext} (a ChatKit upload: uploads/{id}.{ext}). */
  key: string;
  /** Null for a ChatKit attachment until the message that first uses it binds it to its thread. */
  dialog_id: string | null;
  user_id: string;
  filename: string;
  content_type: string;
  size: Int8;
  /** The checked, immutable copy a message attaches; the upload URL cannot reach it. */
  sealed_key: string;
  thumb_key: string;
  created_at: Timestamp;
  url_expires_at: Timestamp;
  claim_until: Timestamp;
  state: UploadState;
  lease_token: string | null;
  lease_until: Timestamp | null;
  width: number | null;
  height: number | null;
  has_thumbnail: boolean;
}

export interface AttachmentsTable {
  id: string;
  message_id: string;
  dialog_id: string;
  position: number;
  s3_key: string;
  storage_key: string;
  thumb_key: string | null;
  filename: string;
  content_type: string;
  size: Int8;
  width: number | null;
  height: number | null;
  created_at: Timestamp;
}

/** Stored objects whose owning row is gone; the sweeper deletes them from the store. */
export interface FileGarbageTable {
  key: string;
  queued_at: Generated<Timestamp>;
}

export interface AgentsTable {
  id: string;
  display_name: string;
  kind: 'http' | 'openai' | 'demo';
  trigger: 'every_message' | 'mention';
  /** The kind's non-secret options (url, base_url, model, instructions). */
  options: ColumnType<Record<string, unknown>, string, string>;
  /** The HTTP agent's signing secret or the OpenAI-compatible API key: never sent back, never logged. */
  secret: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentRunsTable {
  id: string;
  dialog_id: string;
  agent_id: string;
  kind: 'respond' | 'action';
  trigger_message_id: string | null;
  input: ColumnType<Record<string, unknown>, string, string>;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  cancel_requested: boolean;
  /** The pending items while they stream (for connections that open mid-stream). */
  partial: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface AgentItemsTable {
  message_id: string;
  dialog_id: string;
  run_id: string | null;
  item_type: string;
  /** The ChatKit item the message shows to ChatKit clients. */
  item: ColumnType<Record<string, unknown>, string, string>;
}

export interface ItemFeedbackTable {
  dialog_id: string;
  message_id: string;
  user_id: string;
  kind: 'positive' | 'negative';
  created_at: Timestamp;
}

/** A consumer of the event log with a durable cursor (events/webhooks/consumer.ts). */
export interface LogConsumersTable {
  name: string;
  /** Every event up to this id has been consumed. */
  through: number | string;
}

export interface Database {
  dialogs: DialogsTable;
  dialog_participants: ParticipantsTable;
  dialog_access_scopes: AccessScopesTable;
  messages: MessagesTable;
  message_edit_history: EditHistoryTable;
  events: EventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  log_consumers: LogConsumersTable;
  jobs: JobsTable;
  cron_ticks: CronTicksTable;
  uploads: UploadsTable;
  attachments: AttachmentsTable;
  file_garbage: FileGarbageTable;
  agents: AgentsTable;
  agent_runs: AgentRunsTable;
  agent_items: AgentItemsTable;
  item_feedback: ItemFeedbackTable;
}
