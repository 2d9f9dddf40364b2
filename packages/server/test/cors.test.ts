/**
 * CORS as a browser checks it (item 14 of issue #16): preflights carrying the exact header lists the SDKs send
 * (@parley/client and MTChat's Vue SDK), uploads with their content types, and `Range` on downloads, judged by the
 * Fetch standard's CORS check rather than by the status code alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { download, jpeg, pdf, presign, put, sendWith, startFileServer, type FileServer } from './support/files.js';
import { startServer } from './support/server.js';
import { WsClient } from './support/realtime.js';
import type { Api } from './support/api.js';

const ORIGIN = 'https://app.example.com';

/** Request headers a page may send without a preflight naming them (Fetch: CORS-safelisted, simplified). */
const SAFELISTED = new Set(['accept', 'accept-language', 'content-language']);
const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST']);

interface Preflight {
  status: number;
  headers: Headers;
}

async function preflight(url: string, method: string, requestHeaders: string[], origin = ORIGIN): Promise<Preflight> {
  // Browsers send the non-safelisted names lower-cased, sorted, comma-separated.
  const names = requestHeaders
    .map((h) => h.toLowerCase())
    .filter((h) => !SAFELISTED.has(h))
    .sort();
  const headers: Record<string, string> = { origin, 'access-control-request-method': method };
  if (names.length) headers['access-control-request-headers'] = names.join(',');
  const res = await fetch(url, { method: 'OPTIONS', headers });
  await res.arrayBuffer();
  return { status: res.status, headers: res.headers };
}

const list = (v: string | null) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** The Fetch standard's CORS-preflight check: what decides whether the browser goes on to send the request. */
function browserAccepts(p: Preflight, method: string, requestHeaders: string[], origin = ORIGIN): string[] {
  const problems: string[] = [];
  if (p.status < 200 || p.status > 299) problems.push(`preflight status ${p.status}`);
  const allowOrigin = p.headers.get('access-control-allow-origin');
  const credentials = p.headers.get('access-control-allow-credentials') === 'true';
  if (allowOrigin !== origin && !(allowOrigin === '*' && !credentials)) problems.push(`allow-origin ${allowOrigin}`);
  const methods = list(p.headers.get('access-control-allow-methods'));
  if (!SIMPLE_METHODS.has(method) && !methods.includes(method.toLowerCase()) && !(methods.includes('*') && !credentials))
    problems.push(`method ${method} not allowed`);
  const allowed = list(p.headers.get('access-control-allow-headers'));
  for (const h of requestHeaders.map((x) => x.toLowerCase())) {
    if (SAFELISTED.has(h)) continue;
    // A `*` never covers Authorization, and covers nothing when credentials are on.
    const wildcard = allowed.includes('*') && !credentials && h !== 'authorization';
    if (!allowed.includes(h) && !wildcard) problems.push(`header ${h} not allowed`);
  }
  return problems;
}

async function expectBrowserAllows(url: string, method: string, requestHeaders: string[], origin = ORIGIN): Promise<void> {
  const p = await preflight(url, method, requestHeaders, origin);
  expect(browserAccepts(p, method, requestHeaders, origin), `${method} ${url}`).toEqual([]);
}

/** What @parley/client sends on a REST call with a body (api/http.ts, options.ts). */
const PARLEY_REST = ['accept', 'accept-language', 'authorization', 'content-type', 'x-scope-config', 'x-parley-domain-key'];
/** What @parley/client sends to open the SSE stream (connection/transports/sse.ts). */
const PARLEY_SSE = ['accept', 'authorization', 'last-event-id', 'x-scope-config'];
/** What MTChat's Vue SDK sends on every REST call (mtchat-contract.md §11), with and without a token. */
const MTCHAT_REST = ['content-type', 'x-scope-config', 'authorization'];
const MTCHAT_REST_NO_TOKEN = ['content-type', 'x-scope-config'];

describe('CORS on defaults, as a browser checks it', () => {
  let server: FileServer;
  let alice: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startFileServer('disk');
    dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets the preflights of every route the SDKs call through, with their real header lists', async () => {
    const d = `${server.url}/api/v1/dialogs/${dialogId}`;
    const routes: Array<[string, string]> = [
      ['GET', `${server.url}/api/v1/dialogs?type=participating&user_id=alice`],
      ['GET', `${d}?user_id=alice`],
      ['GET', `${server.url}/api/v1/dialogs/by-object/order/1?user_id=alice`],
      ['GET', `${d}/participants?user_id=alice`],
      ['GET', `${d}/messages?limit=50&user_id=alice`],
      ['POST', `${d}/messages?user_id=alice`],
      ['PUT', `${d}/messages/00000000-0000-7000-8000-000000000000?user_id=alice`],
      ['DELETE', `${d}/messages/00000000-0000-7000-8000-000000000000?user_id=alice`],
      ['POST', `${d}/join?user_id=alice`],
      ['POST', `${d}/read?user_id=alice`],
      ['POST', `${d}/archive?user_id=alice`],
      ['POST', `${server.url}/api/v1/upload/presign?user_id=alice`],
      ['GET', `${server.url}/api/v1/attachments/00000000-0000-7000-8000-000000000000/url?user_id=alice`],
    ];
    for (const [method, url] of routes) {
      await expectBrowserAllows(url, method, PARLEY_REST);
      await expectBrowserAllows(url, method, MTCHAT_REST);
      await expectBrowserAllows(url, method, MTCHAT_REST_NO_TOKEN);
    }
    await expectBrowserAllows(`${server.url}/api/v1/events`, 'GET', PARLEY_SSE);
  });

  it('lets the real requests be read by the page, including Retry-After', async () => {
    const res = await alice.with({ origin: ORIGIN, 'x-scope-config': Buffer.from('{}').toString('base64') }).get('/api/v1/dialogs');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(res.headers.get('access-control-expose-headers'))).toContain('retry-after');
  });

  it('lets uploads through with their content types, and ranged downloads with Content-Range readable', async () => {
    const bytes = await jpeg(40, 30);
    for (const [filename, contentType] of [
      ['photo.jpg', 'image/jpeg'],
      ['doc.pdf', 'application/pdf'],
    ] as const) {
      const p = await presign(alice, dialogId, {
        filename,
        content_type: contentType,
        size: contentType === 'image/jpeg' ? bytes.length : pdf().length,
      });
      await expectBrowserAllows(p.upload_url, 'PUT', ['content-type']);
      const res = await put(p.upload_url, contentType === 'image/jpeg' ? bytes : pdf(), contentType);
      expect(res.status, res.text).toBe(200);
    }
    const p = await presign(alice, dialogId, { filename: 'p.jpg', content_type: 'image/jpeg', size: bytes.length });
    expect((await put(p.upload_url, bytes, 'image/jpeg')).status).toBe(200);
    const sent = await sendWith(alice, dialogId, [{ s3_key: p.s3_key, filename: 'p.jpg', content_type: 'image/jpeg', size: bytes.length }]);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const url: string = sent.body.data.attachments[0].url;
    // A suffix range is not CORS-safelisted: the browser preflights it.
    await expectBrowserAllows(url, 'GET', ['range']);
    const ranged = await download(url, { origin: ORIGIN, range: 'bytes=-10' });
    expect(ranged.status).toBe(206);
    expect(ranged.bytes.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    expect(ranged.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(ranged.headers.get('access-control-expose-headers'))).toContain('content-range');
  });

  it('answers an MTChat app that sends no token with a 401 saying how to configure identity', async () => {
    const res = await server.anon().with({ origin: ORIGIN }).get('/api/v1/dialogs?user_id=alice');
    expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body.error.message).toContain('Authorization header required');
    expect(res.body.error.message).toContain('POST /api/v1/management/tokens');
    expect(res.body.error.message).toContain('JWT_SECRET');
    expect(res.body.error.message).toContain('JWT_AUTH_ENABLED=false');
    // Its WebSocket (`?user_id=` without a token) is told the same.
    const ws = await WsClient.refusal(server.url, { userId: 'alice', origin: ORIGIN });
    expect(ws.status).toBe(401);
    expect(ws.body.error.message).toContain('token query parameter required');
    expect(ws.body.error.message).toContain('JWT_AUTH_ENABLED=false');
  });
});

describe('CORS with configured lists', () => {
  it('answers exactly the configured headers and origins, with credentials', async () => {
    const server = await startServer({
      CORS_ALLOWED_ORIGINS: ORIGIN,
      CORS_ALLOWED_HEADERS: 'authorization,content-type,x-scope-config',
      CORS_ALLOW_CREDENTIALS: 'true',
    });
    try {
      const url = `${server.url}/api/v1/dialogs`;
      await expectBrowserAllows(url, 'POST', MTCHAT_REST);
      const p = await preflight(url, 'POST', PARLEY_REST);
      expect(browserAccepts(p, 'POST', PARLEY_REST)).toEqual(['header x-parley-domain-key not allowed']);
      expect(p.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight(url, 'POST', MTCHAT_REST, 'https://evil.example');
      expect(browserAccepts(other, 'POST', MTCHAT_REST, 'https://evil.example').length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
