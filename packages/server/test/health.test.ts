/** Health, readiness and the OpenAPI document, over HTTP against a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('health', () => {
  it('reports status and version', async () => {
    const res = await server.anon().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('probes the database at most once per second, however often it is asked', async () => {
    const before = server.built.readiness.probes;
    const started = Date.now();
    for (let i = 0; i < 40; i += 1) expect((await server.anon().get('/health/ready')).status).toBe(200);
    const elapsedSecs = (Date.now() - started) / 1000;
    // 40 calls in a row are served from the cached probe: one probe per second that passed while they ran.
    expect(server.built.readiness.probes - before).toBeLessThanOrEqual(1 + Math.ceil(elapsedSecs));
  });

  it('is ready while the database answers, and 503 at once when it is gone', async () => {
    const ready = await server.anon().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(Object.values(ready.body.checks)).toContain('up');
    await server.built.services.db.close();
    // Within the second the cached probe is good for: the database is known to be gone, so no probe is needed.
    const res = await server.anon().get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(Object.entries(res.body.checks).find(([name]) => name.startsWith('database'))?.[1]).toBe('down');
    expect((await server.anon().get('/health')).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('documents every Management and Chat route from the validating schemas', async () => {
    const res = await server.anon().get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    // Derived from the routes the app registered (not a hand-written list): each one of the API, unless its
    // schema hides it on purpose, has its method and path in the document.
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const registered = server.built.routes
      .filter((r) => r.url.startsWith('/api/') && !r.hidden && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.length).toBeGreaterThan(30);
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
    const create = res.body.paths['/api/v1/management/dialogs'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['object_id', 'object_type', 'participants']),
    );
  });
});
