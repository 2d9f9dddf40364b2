/**
 * @module presence/store: where presence lives. A user is online while at least one of their connections, on
 * any instance, has been seen within the TTL (refreshed by the client's ping). Memory for one instance, Redis
 * for several.
 */
export const PRESENCE_TTL_MS = 60_000;

export interface PresenceStore {
  /** Records an open connection; true when the user had no live connection before (an online transition). */
  open(userId: string, connectionId: string): Promise<boolean>;
  /** Extends a connection's TTL (a ping). */
  refresh(userId: string, connectionId: string): Promise<void>;
  /** Forgets a connection; true when it was the user's last live one (an offline transition). */
  close(userId: string, connectionId: string): Promise<boolean>;
  /** Which of these users are online now. */
  online(userIds: readonly string[]): Promise<Set<string>>;
  dispose(): Promise<void>;
}

export function createMemoryPresence(ttlMs = PRESENCE_TTL_MS, now = () => Date.now()): PresenceStore {
  const users = new Map<string, Map<string, number>>();
  const live = (userId: string) => {
    const conns = users.get(userId);
    if (!conns) return undefined;
    const t = now();
    for (const [id, expires] of conns) if (expires <= t) conns.delete(id);
    if (conns.size === 0) users.delete(userId);
    return conns.size > 0 ? conns : undefined;
  };
  return {
    async open(userId, connectionId) {
      const before = live(userId);
      const conns = before ?? new Map<string, number>();
      conns.set(connectionId, now() + ttlMs);
      users.set(userId, conns);
      return before === undefined;
    },
    async refresh(userId, connectionId) {
      const conns = users.get(userId) ?? new Map<string, number>();
      conns.set(connectionId, now() + ttlMs);
      users.set(userId, conns);
    },
    async close(userId, connectionId) {
      const removed = users.get(userId)?.delete(connectionId) ?? false;
      return removed && live(userId) === undefined;
    },
    async online(userIds) {
      return new Set(userIds.filter((u) => live(u) !== undefined));
    },
    async dispose() {
      users.clear();
    },
  };
}
