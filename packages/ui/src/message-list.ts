/** @module message-list: a thread's loaded messages as a list sorted by id (UUIDv7: time order), and the pure changes to it. */
import type { ClientEvents, Message, ParleyClient } from '@parley/client';

export const byId = (a: Message, b: Message) => a.id.localeCompare(b.id);

/** `a` with the messages of `b` added or replaced, sorted. */
export function mergeById(a: Message[], b: Message[]): Message[] {
  const map = new Map(a.map((m) => [m.id, m]));
  for (const m of b) map.set(m.id, m);
  return [...map.values()].sort(byId);
}

/** A `message.new` event as a list entry (the event leaves out what a new message does not have yet). */
export function fromEvent(e: ClientEvents['message.new']): Message {
  const carried = (e as { attachments?: Message['attachments'] }).attachments;
  return { last_edited_at: null, reply_to_id: null, ...e, sender_id: e.sender_id ?? null, attachments: carried ?? [] };
}

/** Whether the event leaves out attachments the stored message may have (agents and system messages have none). */
export function lacksAttachments(e: ClientEvents['message.new'], me: string | null | undefined): boolean {
  const carried = (e as { attachments?: unknown }).attachments;
  return !carried && e.sender_id !== me && !e.sender_id?.startsWith('agent:') && e.message_type === 'user';
}

export function withEdit(messages: Message[], e: ClientEvents['message.edited']): Message[] {
  return messages.map((m) => (m.id === e.id ? { ...m, content: e.content, last_edited_at: e.last_edited_at } : m));
}

/** The page before the first or after the last loaded message, merged in; `more` says whether pages lie beyond it. */
export async function withPageBeside(
  client: ParleyClient,
  dialogId: string,
  messages: Message[],
  limit: number,
  side: 'before' | 'after',
): Promise<{ messages: Message[]; more: boolean }> {
  const edge = side === 'before' ? messages[0] : messages[messages.length - 1];
  const page = await client.messages.list(dialogId, { limit, [side]: edge?.id });
  return { messages: mergeById(messages, page.messages), more: side === 'before' ? page.has_more_before : page.has_more_after };
}

/** The originals that replies quote: found in the loaded list, else fetched once (a deleted one stays missing). */
export class Quotes {
  private readonly fetched = new Map<string, Message>();
  private readonly asked = new Set<string>();

  constructor(private readonly changed: () => void) {}

  find(client: ParleyClient, dialogId: string, loaded: Message[], id: string): Message | undefined {
    const found = loaded.find((m) => m.id === id) ?? this.fetched.get(id);
    if (found || this.asked.has(id)) return found;
    this.asked.add(id);
    client.messages.get(dialogId, id).then(
      (m) => {
        this.fetched.set(id, m);
        this.changed();
      },
      () => {
        /* a deleted original shows as unavailable */
      },
    );
    return undefined;
  }
}
