/** @module emitter: a typed event emitter whose on() returns its own unsubscribe function. */

export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /**
   * Subscribes to one event; the returned function unsubscribes (calling it twice is harmless).
   *
   * @example
   * const off = client.on('message.new', (m) => console.log(m.content)); off();
   */
  on<K extends keyof Events>(name: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(fn as Listener<never>);
    return () => {
      set.delete(fn as Listener<never>);
    };
  }

  /** Subscribes for the next occurrence only. */
  once<K extends keyof Events>(name: K, fn: Listener<Events[K]>): () => void {
    const off = this.on(name, (payload) => {
      off();
      fn(payload);
    });
    return off;
  }

  /** Calls every listener; a throwing listener is reported to `onListenerError` and never stops the others. */
  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as Listener<Events[K]>)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  listenerCount(name: keyof Events): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  clear(): void {
    this.listeners.clear();
  }

  /** Where exceptions thrown by listeners go; by default the console, so one bad listener cannot break delivery. */
  onListenerError: (err: unknown) => void = (err) => {
    console.error('[parley] an event listener threw', err);
  };
}
