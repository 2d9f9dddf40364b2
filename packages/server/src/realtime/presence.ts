/**
 * @module realtime/presence: who is online. Every open connection is recorded in the presence store (memory,
 * or Redis shared by all instances); the online/offline transitions of a user are announced on the bus, and
 * each instance's hub tells that user's co-participants (`presence.update`). The participants list reads
 * `is_online` from here.
 */
import type { PresenceStore } from '../adapters/presence/store.js';
import type { Bus } from '../events/bus.js';
import type { IsOnline } from '../queries/participants.js';

export class Presence {
  /** Store operations of one connection run in order (an open must land before its close). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly bus: Bus,
    /** Hears about store failures (the Redis presence dependency: logged once per outage). */
    private readonly health: { failed(err: unknown): void },
  ) {}

  readonly isOnline: IsOnline = (userIds) => this.store.online(userIds);

  opened(userId: string, connectionId: string): Promise<void> {
    return this.serial(connectionId, async () => {
      if (await this.store.open(userId, connectionId)) this.bus.notify({ kind: 'presence', user_id: userId, is_online: true });
    });
  }

  refreshed(userId: string, connectionId: string): Promise<void> {
    return this.serial(connectionId, () => this.store.refresh(userId, connectionId));
  }

  closed(userId: string, connectionId: string): Promise<void> {
    const done = this.serial(connectionId, async () => {
      if (await this.store.close(userId, connectionId)) this.bus.notify({ kind: 'presence', user_id: userId, is_online: false });
    });
    return done.finally(() => {
      if (this.chains.get(connectionId) === done) this.chains.delete(connectionId);
    });
  }

  /** Waits for every pending store operation (shutdown). */
  async settle(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private serial(connectionId: string, op: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(connectionId) ?? Promise.resolve()).then(op).catch((err: unknown) => {
      this.health.failed(err);
    });
    this.chains.set(connectionId, next);
    return next;
  }
}
