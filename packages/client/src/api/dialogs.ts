/** @module api/dialogs: the Chat API's dialog calls: lists, one dialog, by object, join/leave, flags, read. */
import { LIMITS } from '@parley/protocol';
import type { ChatStore } from '../state/chat-store.js';
import type { Http } from './http.js';
import type { DialogView, JoinProfile, ListByObjectParams, ListDialogsParams } from './types.js';

const seg = encodeURIComponent;

export class DialogsApi {
  constructor(
    private readonly http: Http,
    private readonly store: ChatStore,
  ) {}

  /**
   * One page of dialogs: the user's own (`participating`, the default) or those they may join (`available`).
   *
   * @example
   * const mine = await client.dialogs.list({ archived: false });
   */
  list(params: ListDialogsParams = {}, signal?: AbortSignal): Promise<DialogView[]> {
    return this.http.data({ method: 'GET', path: '/api/v1/dialogs', query: { ...params }, signal });
  }

  /** Every page of a list, fetched in turn. */
  async listAll(params: Omit<ListDialogsParams, 'limit' | 'offset'> = {}, signal?: AbortSignal): Promise<DialogView[]> {
    const out: DialogView[] = [];
    const limit = LIMITS.dialogsPageMax;
    for (let offset = 0; ; offset += limit) {
      const page = await this.list({ ...params, limit, offset }, signal);
      out.push(...page);
      if (page.length < limit) return out;
    }
  }

  get(dialogId: string, signal?: AbortSignal): Promise<DialogView> {
    return this.http.data({ method: 'GET', path: `/api/v1/dialogs/${seg(dialogId)}`, signal });
  }

  /** The newest dialog about a host object that the user may see, or null. */
  byObject(objectType: string, objectId: string, signal?: AbortSignal): Promise<DialogView | null> {
    return this.http.data({ method: 'GET', path: `/api/v1/dialogs/by-object/${seg(objectType)}/${seg(objectId)}`, signal });
  }

  listByObject(objectType: string, objectId: string, params: ListByObjectParams = {}, signal?: AbortSignal): Promise<DialogView[]> {
    return this.http.data({
      method: 'GET',
      path: `/api/v1/dialogs/by-object/${seg(objectType)}/${seg(objectId)}/list`,
      query: { ...params },
      signal,
    });
  }

  /** Joins a dialog the user's scope lets them join. */
  join(dialogId: string, profile: JoinProfile): Promise<{ dialog_id: string; status: 'joined' }> {
    return this.http.request({ method: 'POST', path: `/api/v1/dialogs/${seg(dialogId)}/join`, body: profile });
  }

  leave(dialogId: string): Promise<{ status: string }> {
    return this.http.request({ method: 'POST', path: `/api/v1/dialogs/${seg(dialogId)}/leave`, body: {} });
  }

  archive(dialogId: string): Promise<{ status: string }> {
    return this.flag(dialogId, 'archive', { is_archived: true });
  }

  unarchive(dialogId: string): Promise<{ status: string }> {
    return this.flag(dialogId, 'unarchive', { is_archived: false });
  }

  pin(dialogId: string): Promise<{ status: string }> {
    return this.flag(dialogId, 'pin', { is_pinned: true });
  }

  unpin(dialogId: string): Promise<{ status: string }> {
    return this.flag(dialogId, 'unpin', { is_pinned: false });
  }

  async setNotifications(dialogId: string, enabled: boolean): Promise<{ status: string }> {
    const res = await this.http.request<{ status: string }>({
      method: 'POST',
      path: `/api/v1/dialogs/${seg(dialogId)}/notifications`,
      body: { enabled },
    });
    this.store.patchDialog(dialogId, { notifications_enabled: enabled });
    return res;
  }

  /**
   * Marks the dialog read up to a message (the read position only moves forward).
   *
   * @example
   * await client.dialogs.read(dialogId, lastMessage.id);
   */
  read(dialogId: string, lastReadMessageId: string): Promise<{ success: boolean }> {
    return this.http.request({
      method: 'POST',
      path: `/api/v1/dialogs/${seg(dialogId)}/read`,
      body: { last_read_message_id: lastReadMessageId },
    });
  }

  private async flag(dialogId: string, verb: string, patch: { is_archived?: boolean; is_pinned?: boolean }): Promise<{ status: string }> {
    const res = await this.http.request<{ status: string }>({ method: 'POST', path: `/api/v1/dialogs/${seg(dialogId)}/${verb}`, body: {} });
    this.store.patchDialog(dialogId, patch);
    return res;
  }
}
