/** A test file's hosted-mode setup: a real server and a host backend minting its tokens; clients closed after each test. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startServer, type TestServer } from '../../../server/test/support/server.js';
import { closeClients } from './clients.js';
import { hostBackend, type HostBackend } from './host.js';

/** Starts the server before the file's tests (handing it and its host backend to `use`) and stops it after. */
export function hostedServerPerFile(use: (server: TestServer, host: HostBackend) => void): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer();
    const started = server;
    use(
      started,
      hostBackend(() => started.url, started.adminToken),
    );
  });
  afterEach(() => closeClients());
  afterAll(async () => server?.close());
}
