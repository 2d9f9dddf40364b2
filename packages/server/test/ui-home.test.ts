/** Parley's front door over HTTP: `/` says what is running with its links, and `/ui/parley-ui.js` serves the UI bundle. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let bare: TestServer;
const bundle = join(mkdtempSync(join(tmpdir(), 'parley-ui-')), 'parley-ui.js');
beforeAll(async () => {
  writeFileSync(bundle, 'export const parley = 1;\n');
  server = await startServer({ UI_BUNDLE_PATH: bundle, DEMO_URL: 'http://127.0.0.1:5199' });
  bare = await startServer({ UI_BUNDLE_PATH: join(tmpdir(), 'parley-no-such-bundle.js') });
});
afterAll(async () => {
  await server?.close();
  await bare?.close();
});

describe('home page', () => {
  it('is an HTML page linking the API document, the bundle and the demo', async () => {
    const res = await server.anon().get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Parley is running');
    expect(res.text).toContain('href="/api/v1/openapi.json"');
    expect(res.text).toContain('href="/ui/parley-ui.js"');
    expect(res.text).toContain('href="http://127.0.0.1:5199"');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('without a demo or a built bundle, says how to start the demo and does not link what is missing', async () => {
    const res = await bare.anon().get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('npm run demo');
    expect(res.text).not.toContain('href="/ui/parley-ui.js"');
  });
});

describe('UI bundle', () => {
  it('serves the bundle as JavaScript with an ETag, and 304 when unchanged', async () => {
    const res = await server.anon().get('/ui/parley-ui.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.text).toBe('export const parley = 1;\n');
    const etag = res.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await server.anon().with({ 'if-none-match': etag }).get('/ui/parley-ui.js');
    expect(again.status).toBe(304);
  });

  it('is a catalog 404 when the bundle is not built', async () => {
    const res = await bare.anon().get('/ui/parley-ui.js');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('npm run build') } });
  });
});
