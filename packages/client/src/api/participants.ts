/** @module api/participants: who takes part in a dialog, with presence. */
import type { Http } from './http.js';
import type { ChatParticipant } from './types.js';

export class ParticipantsApi {
  constructor(private readonly http: Http) {}

  /** The dialog's participants, oldest first, each with `is_online`. */
  list(dialogId: string, signal?: AbortSignal): Promise<ChatParticipant[]> {
    return this.http.data({ method: 'GET', path: `/api/v1/dialogs/${encodeURIComponent(dialogId)}/participants`, signal });
  }
}
