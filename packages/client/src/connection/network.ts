/**
 * @module connection/network: tells the client when the device comes back online or the page becomes visible
 * again, so it retries at once instead of waiting out a backoff. Injectable, so Node hosts and tests can drive it.
 */

export interface NetworkSignal {
  /** Calls `fn` whenever the network may have come back; returns the unsubscribe function. */
  onResume(fn: () => void): () => void;
}

interface BrowserLike {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

/** The browser's `online` event and `visibilitychange` to visible; nothing where there is no window. */
export function browserNetwork(): NetworkSignal {
  return {
    onResume(fn) {
      const win = (globalThis as { window?: BrowserLike }).window;
      const doc = (globalThis as { document?: BrowserLike & { visibilityState?: string } }).document;
      if (!win || typeof win.addEventListener !== 'function') return () => {};
      const online = () => fn();
      const visible = () => {
        if (doc?.visibilityState === 'visible') fn();
      };
      win.addEventListener('online', online);
      doc?.addEventListener('visibilitychange', visible);
      return () => {
        win.removeEventListener('online', online);
        doc?.removeEventListener('visibilitychange', visible);
      };
    },
  };
}

/** A signal a host triggers by hand (Node services, tests, React Native's NetInfo). */
export function manualNetwork(): NetworkSignal & { resume(): void } {
  const listeners = new Set<() => void>();
  return {
    onResume(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    resume() {
      for (const fn of [...listeners]) fn();
    },
  };
}
