/** Restarting a test server on the same data, and starting a second instance beside it (same DATA_DIR / schema). */
import { startServer, type TestServer } from './server.js';

function sameData(s: TestServer): Record<string, string> {
  return { DATA_DIR: s.dataDir, ...(s.schema ? { DATABASE_SCHEMA: s.schema } : {}) };
}

/** Stops the server (keeping its data) and starts a new one on it; close the returned server, not the old one. */
export async function restartServer(s: TestServer, overrides: Record<string, string | undefined> = {}): Promise<TestServer> {
  await s.built.close();
  return startServer({ ...overrides, ...sameData(s) });
}

/** Another instance on the same database (PostgreSQL only: PGlite is one process's). Close it before the first. */
export async function startSibling(s: TestServer, overrides: Record<string, string | undefined> = {}): Promise<TestServer> {
  const sibling = await startServer({ ...overrides, ...sameData(s) });
  // Closing the sibling must not drop the shared schema or data directory.
  return { ...sibling, close: () => sibling.built.close() };
}
