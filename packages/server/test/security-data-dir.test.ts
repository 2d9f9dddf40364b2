/**
 * DATA_DIR is for the server's user only (item 5 of issue #16): the embedded database's files were 0666 in 0755
 * directories, so another local user could read deleted messages from the WAL and write the tables. A first
 * start now creates DATA_DIR 0700 with everything in it closed to others, and an existing directory that is
 * open to others gets a warning at start-up.
 */
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, loadConfig } from '../src/app.js';
import { Api } from './support/api.js';
import { createDialog, person } from './support/fixtures.js';
import { upload } from './support/files.js';
import { childEnv, startChild } from './support/child-server.js';
import { dropSchema, testEnv, type TestServer } from './support/server.js';

/** Every path under `dir` that group or others may use. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    if (st.mode & 0o077) found.push(`${(st.mode & 0o777).toString(8)} ${path}`);
    if (st.isDirectory()) found.push(...openToOthers(path));
  }
  return found;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('DATA_DIR permissions', () => {
  it('creates DATA_DIR 0700 on a first start, and nothing in it is open to others after writes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-perm-'));
    roots.push(root);
    chmodSync(root, 0o755);
    // A real first start: no seeded database, the directory does not exist yet.
    const env = testEnv({ DATA_DIR: join(root, 'data', 'parley') });
    const built = await buildApp(loadConfig(env), { logger: false });
    try {
      await built.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (built.app.server.address() as { port: number }).port;
      const url = `http://127.0.0.1:${port}`;
      const admin = new Api(url, { authorization: `Bearer ${built.services.adminToken}` });
      const server = { admin } as TestServer;
      const dialog = await createDialog(server, { participants: [person('pia')] });
      const minted = await admin.post('/api/v1/management/tokens', { user_id: 'pia' });
      const pia = new Api(url, { authorization: `Bearer ${minted.body.data.token}` });
      for (let i = 0; i < 50; i++)
        expect((await pia.post(`/api/v1/dialogs/${dialog.id}/messages`, { content: `secret ${i}` })).status).toBe(200);
      await upload(pia, dialog.id, { filename: 'a.txt', content_type: 'text/plain', bytes: Buffer.from('private file') });
    } finally {
      await built.close();
      await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA);
    }
    expect((statSync(env.DATA_DIR!).mode & 0o777).toString(8)).toBe('700');
    expect(openToOthers(env.DATA_DIR!)).toEqual([]);
  });

  it('warns at start-up when an existing DATA_DIR is open to others', async () => {
    const env = childEnv();
    roots.push(env.DATA_DIR!);
    chmodSync(env.DATA_DIR!, 0o755);
    const child = await startChild(env);
    child.process.kill('SIGTERM');
    await child.exited;
    await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA);
    const warnings = child.logs.filter((l) => l.level === 40).map((l) => String(l.msg));
    expect(warnings).toContain(
      `DATA_DIR ${env.DATA_DIR} is open to other users (mode 0755); it holds the database, secrets and files: chmod 700 it`,
    );
    // The database Parley itself manages inside it is closed to others all the same.
    if (!env.DATABASE_URL) expect(openToOthers(join(env.DATA_DIR!, 'pglite'))).toEqual([]);
  });
});
