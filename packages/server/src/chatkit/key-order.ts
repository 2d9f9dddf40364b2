/**
 * @module chatkit/key-order: ChatKit objects in the key order chatkit-python's models print them (`type` first,
 * then the ids and times, then the rest). The event log and agent items are stored as jsonb, which keeps keys
 * in its own order; JSON readers do not care, people reading transcripts do.
 */
const FIRST = ['type', 'id', 'thread_id', 'created_at', 'item_id', 'item', 'update', 'content_index', 'text', 'delta', 'content', 'status'];

export function ordered<T>(value: T): T {
  if (Array.isArray(value)) return value.map(ordered) as T;
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const rank = (k: string) => {
    const i = FIRST.indexOf(k);
    return i < 0 ? FIRST.length : i;
  };
  entries.sort((a, b) => rank(a[0]) - rank(b[0]));
  return Object.fromEntries(entries.map(([k, v]) => [k, ordered(v)])) as T;
}
