/** docs/client.md's quick start is runnable: the test runs its code block, as written, against a real server. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/support/server.js';

const here = dirname(fileURLToPath(import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

it('the quick start of docs/client.md runs and sends a message', async () => {
  const doc = readFileSync(resolve(here, '../../../docs/client.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Quick start'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code, 'a js code block in the quick start').toBeTruthy();
  // Inside the package, so that `@parley/client` and `ws` resolve as they would in an app.
  const file = join(here, `../.doc-example-${process.pid}.mjs`);
  writeFileSync(file, code!);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, PARLEY_URL: server.url, ADMIN: server.adminToken },
      timeout: 60_000,
    });
    expect(stdout).toContain('connection: connected');
    expect(stdout).toMatch(/stored as [0-9a-f-]{36} \| unread: 0/);
  } finally {
    rmSync(file, { force: true });
  }
});
