/** Helpers for the Chat API tests: unique names, scoped users, sending messages (all over HTTP). */
import { expect } from 'vitest';
import type { Api } from './api.js';
import type { TestServer } from './server.js';

export type ScopeSpec = { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[]; tenant_uid?: string };

let n = 0;
/** A name no other test in this server uses. */
export function unique(prefix: string): string {
  n += 1;
  return `${prefix}-${n}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A Chat API client for `userId`, sending X-Scope-Config when a scope is given. */
export async function chatUser(server: TestServer, userId: string, scope?: ScopeSpec): Promise<Api> {
  const api = await server.user(userId);
  return scope ? api.withScope(scope) : api;
}

export async function send(api: Api, dialogId: string, content: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export const idsOf = (list: Array<{ id: string }>) => list.map((d) => d.id);

/** A UUIDv7-shaped id no row has. */
export function randomUuid(): string {
  return crypto.randomUUID();
}

export const DIALOG_KEYS = ['id', 'object_id', 'object_type', 'title', 'object_url', 'created_by', 'created_at'];
/** The keys of a dialog the caller may join but does not take part in (the `available` list, by object). */
export const AVAILABLE_KEYS = [...DIALOG_KEYS, 'participants_count', 'i_am_participant', 'can_join', 'last_message_at', 'participants'];
export const MESSAGE_KEYS = ['id', 'dialog_id', 'sender_id', 'content', 'sent_at', 'last_edited_at', 'reply_to_id', 'message_type'];
export const PARTICIPANT_KEYS = [
  'dialog_id',
  'user_id',
  'joined_at',
  'joined_as',
  'notifications_enabled',
  'last_read_message_id',
  'unread_count',
  'display_name',
  'company',
  'email',
  'phone',
  'is_archived',
  'is_pinned',
  'is_online',
];
