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
    // Signing a URL is local work: it needs no round trip, so it cannot tell whether the store is there.
    uploadUrl: (g) => store.uploadUrl(g),
    downloadUrl: (g) => store.downloadUrl(g),
    head: (key) => call(() => store.head(key)),
    copy: (from, to) => call(() => store.copy(from, to)),
    read: (key, maxBytes) => call(() => store.read(key, maxBytes)),
    write: (key, body, contentType) => call(() => store.write(key, body, contentType)),
    delete: (key) => call(() => store.delete(key)),
    close: () => store.close(),
  };
}
