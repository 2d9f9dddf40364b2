/** CORS preflight as a browser on another origin sends it: with the default header list (*), the request's headers are allowed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('CORS preflight', () => {
  it('allows Authorization and X-Scope-Config from another origin by default', async () => {
    const res = await fetch(`${server.url}/api/v1/dialogs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-scope-config' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,x-scope-config');
  });
});
