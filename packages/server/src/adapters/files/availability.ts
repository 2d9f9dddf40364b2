/**
 * @module files/availability: wraps a file store so that an outage of the store (unreachable, timing out, 5xx)
 * leaves every call as one error, 503 `STORAGE_UNAVAILABLE` with `Retry-After`, and is logged once per outage
 * on the `object store` dependency rather than once per request. Missing objects and refusals pass unchanged.
 */
import { AppError } from '../../errors.js';
import type { Dependency } from '../../health/dependency.js';
import { isStoreOutage } from '../../health/connection-errors.js';
import type { FileStore } from './port.js';

/** Seconds a client is told to wait before trying again during an outage. */
export const STORE_RETRY_AFTER_SECS = 5;

/** A well-formed key Parley never writes (nil UUIDs): a HEAD of it only asks whether the store answers. */
const PROBE_KEY = 'dialogs/00000000-0000-0000-0000-000000000000/00000000-0000-0000-0000-000000000000.probe';

export function storeUnavailable(): AppError {
  return new AppError('STORAGE_UNAVAILABLE', undefined, { headers: { 'retry-after': String(STORE_RETRY_AFTER_SECS) } });
}

export function watchAvailability(store: FileStore, health: Dependency): FileStore {
  const call = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      const value = await op();
      health.ok();
      return value;
    } catch (err) {
      if (!isStoreOutage(err)) throw err;
      health.failed(err);
      throw storeUnavailable();
    }
  };
  return {
    kind: store.kind,
    // Signing a URL (http/links.ts) is local work and needs no round trip while the store is up. Once a call has
    // found it down, a URL would only send the browser into the outage: each signing first asks the store (one
    // HEAD of a key that never exists) and answers 503 until it is back, which also notices the recovery.
    reachable: async () => {
      if (health.state === 'down') await call(() => store.head(PROBE_KEY));
    },
    head: (key) => call(() => store.head(key)),
    copy: (from, to) => call(() => store.copy(from, to)),
    read: (key, maxBytes) => call(() => store.read(key, maxBytes)),
    write: (key, body, contentType) => call(() => store.write(key, body, contentType)),
    delete: (key) => call(() => store.delete(key)),
    close: () => store.close(),
  };
}
