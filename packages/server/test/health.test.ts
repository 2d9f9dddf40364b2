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
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/v1/management/dialogs',
      '/api/v1/management/dialogs/search',
      '/api/v1/management/dialogs/{id}',
      '/api/v1/management/dialogs/{id}/participants',
      '/api/v1/management/dialogs/{id}/participants/{user_id}',
      '/api/v1/management/dialogs/{id}/access-scopes',
      '/api/v1/management/tokens',
      '/api/v1/dialogs',
      '/api/v1/dialogs/{id}',
      '/api/v1/dialogs/by-object/{object_type}/{object_id}',
      '/api/v1/dialogs/by-object/{object_type}/{object_id}/list',
      '/api/v1/dialogs/{id}/join',
      '/api/v1/dialogs/{id}/read',
      '/api/v1/dialogs/{dialog_id}/messages',
      '/api/v1/dialogs/{dialog_id}/messages/{id}',
    ]) {
      expect(paths).toContain(p);
    }
    const create = res.body.paths['/api/v1/management/dialogs'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['object_id', 'object_type', 'participants']),
    );
  });
});
