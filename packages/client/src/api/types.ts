/** @module api/types: the shapes the Chat API returns and takes, as the client's public types. */
import type { DialogView, Message, MessagePage, Participant, SearchHit, SearchPage } from '@parley/protocol';

export type { DialogView, Message, MessagePage, Participant, SearchHit, SearchPage };

/** A participant as the Chat API lists them, with presence. */
export type ChatParticipant = Participant & { is_online: boolean };

export interface ListDialogsParams {
  type?: 'participating' | 'available';
  search?: string;
  archived?: boolean;
  limit?: number;
  offset?: number;
}

export interface ListByObjectParams {
  type?: 'participating' | 'available';
  search?: string;
  archived?: boolean;
}

export interface JoinProfile {
  display_name: string;
  company: string;
  email?: string | null;
  phone?: string | null;
}

export interface ListMessagesParams {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

/** An uploaded file, ready to attach to a message. */
export interface AttachmentRef {
  s3_key: string;
  filename: string;
  content_type: string;
  size: number;
}

export interface SendMessageInput {
  content: string;
  reply_to?: string | null;
  attachments?: AttachmentRef[];
  /** Set it to make your own retries idempotent too; the client generates one otherwise. */
  client_message_id?: string;
}

/** Message search (docs/search.md): `q` in web-search syntax; the last word also matches as a prefix. */
export interface SearchMessagesParams {
  q: string;
  order?: 'newest' | 'relevance';
  dialog_id?: string;
  sender_id?: string;
  object_type?: string;
  /** RFC 3339 date-time or YYYY-MM-DD (midnight UTC). */
  before?: string;
  after?: string;
  has?: 'attachment';
  /** 1 to 100, 20 by default. */
  limit?: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}
