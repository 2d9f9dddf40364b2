/**
 * @module queue/outbox: sends messages one at a time, in the order they were made, each with a client_message_id,
 * so a resend after a lost answer returns the stored message instead of a duplicate. A send that fails for a
 * transient reason (offline, 5xx, 429, an expired token) stays at the head and is retried after a backoff, or at
 * once when the client is told the network is back; a send the server refuses (4xx) is rejected and the next goes.
 */
import type { Message } from '@parley/protocol';
import { Backoff, type BackoffOptions } from '../connection/backoff.js';
import { isTransient, ParleyError } from '../errors.js';

export interface OutboxBody {
  content: string;
  reply_to?: string | null;
  attachments: Array<{ s3_key: string; filename: string; content_type: string; size: number }>;
  client_message_id: string;
}

export interface OutboxEntry {
  dialogId: string;
  body: OutboxBody;
  attempts: number;
}

export interface OutboxHooks {
  /** Sends one message (POST /dialogs/:id/messages); resolves with the stored message. */
  post(dialogId: string, body: OutboxBody): Promise<Message>;
  /** A request for this entry is about to go out. */
  onSending?(entry: OutboxEntry): void;
  /** The entry waits for a retry after a transient failure. */
  onWaiting?(entry: OutboxEntry, err: ParleyError, delayMs: number): void;
  onStored?(entry: OutboxEntry, message: Message): void;
  onFailed?(entry: OutboxEntry, err: ParleyError): void;
}

interface Item extends OutboxEntry {
  resolve(message: Message): void;
  reject(err: ParleyError): void;
}

/** A fresh id for client_message_id: a UUID where the platform has one. */
export function newClientMessageId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  private readonly queue: Item[] = [];
  private readonly backoff: Backoff;
  private running = false;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hooks: OutboxHooks,
    backoff: BackoffOptions = {},
  ) {
    this.backoff = new Backoff({ initialMs: 250, maxMs: 10_000, ...backoff });
  }

  /** Messages not yet stored, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.queue;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Queues a send; resolves when the server has stored the message. */
  enqueue(dialogId: string, body: OutboxBody): Promise<Message> {
    if (this.closed) return Promise.reject(new ParleyError('CLIENT_CLOSED', 'The client is closed'));
    return new Promise<Message>((resolve, reject) => {
      this.queue.push({ dialogId, body, attempts: 0, resolve, reject });
      void this.run();
    });
  }

  /** Retry now (the network came back, the realtime connection reopened). */
  wake(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Rejects everything still queued with CLIENT_CLOSED. */
  close(): void {
    this.closed = true;
    const err = new ParleyError('CLIENT_CLOSED', 'The client was closed before the message was stored');
    for (const item of this.queue.splice(0)) {
      item.reject(err);
      this.hooks.onFailed?.(item, err);
    }
    this.wake();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const item = this.queue[0]!;
        item.attempts += 1;
        this.hooks.onSending?.(item);
        try {
          const message = await this.hooks.post(item.dialogId, item.body);
          if (this.queue[0] === item) this.queue.shift();
          this.backoff.reset();
          this.hooks.onStored?.(item, message);
          item.resolve(message);
        } catch (thrown) {
          if (this.closed) break;
          const err = thrown instanceof ParleyError ? thrown : new ParleyError('NETWORK_ERROR', String(thrown), { cause: thrown });
          if (isTransient(err)) {
            const delay = Math.max(this.backoff.next(), err.retryAfterMs ?? 0);
            this.hooks.onWaiting?.(item, err, delay);
            await this.pause(delay);
            continue;
          }
          if (this.queue[0] === item) this.queue.shift();
          this.hooks.onFailed?.(item, err);
          item.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }
}
