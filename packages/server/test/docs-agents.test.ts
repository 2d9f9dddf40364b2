/** The quick starts of docs/agents.md and docs/chatkit.md run, as written, against a real server. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

async function runQuickStart(doc: string): Promise<string> {
  const text = readFileSync(new URL(`../../../docs/${doc}`, import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(text.slice(text.indexOf('## Quick start')))?.[1];
  expect(code, `a js block in the quick start of ${doc}`).toBeTruthy();
  const file = new URL(`./.doc-${doc}-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, code!);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file.pathname], {
      env: { ...process.env, PARLEY_URL: server.url, ADMIN: server.adminToken },
      timeout: 60_000,
    });
    return stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('documentation quick starts', () => {
  it('docs/agents.md: the demo agent answers Alice', async () => {
    expect(await runQuickStart('agents.md')).toMatch(/^agent:echo-\d+: <p>Echo: hello<\/p>$/m);
  });

  it('docs/chatkit.md: threads.create streams the user message and the reply', async () => {
    const out = await runQuickStart('chatkit.md');
    expect(out).toContain('user_message: [{"type":"input_text","text":"hi"}]');
    expect(out).toContain('assistant_message: [{"type":"output_text","text":"Echo: hi","annotations":[]}]');
  });
});
