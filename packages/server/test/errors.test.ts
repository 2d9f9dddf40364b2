/**
 * The error envelope everywhere: framework rejections (404, 405, 413, 415, bad JSON, bad path and query values)
 * answer `{"error":{"code","message"}}` like handler errors do, never a stack trace; and docs/errors.md lists
 * every code of the catalog.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Res } from './support/api.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

const MISSING = '0190f2a4-0000-7000-8000-000000000000';

/** Exactly the envelope, with this status and code, and nothing that looks like a stack trace or source path. */
function envelope(res: Res, status: number, code: string, label = ''): void {
  expect(res.status, `${label} ${res.text}`).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error)).toEqual(['code', 'message']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|\s{2,}at |\.ts:\d|\.js:\d|node_modules|node:internal|\\n/);
}

let server: TestServer;
let user: Api;
let dialogId: string;

beforeAll(async () => {
  server = await startServer();
  const d = await createDialog(server, { participants: [person('err-user')] });
  dialogId = d.id;
  user = await server.user('err-user');
});
afterAll(async () => {
  await server?.close();
});

describe('unknown routes and methods', () => {
  it('answers 404 NOT_FOUND for an unknown route, with or without credentials', async () => {
    for (const [api, path] of [
      [server.anon(), '/nope'],
      [server.anon(), '/api/v1/nope'],
      [server.admin, '/api/v1/management/nope'],
      [user, '/api/v1/dialogs/x/y/z'],
      [user, '/api/v2/dialogs'],
    ] as const) {
      envelope(await api.get(path), 404, 'NOT_FOUND');
    }
    envelope(await server.admin.post('/api/v1/management/unknown', { a: 1 }), 404, 'NOT_FOUND');
  });

  it('answers 405 METHOD_NOT_ALLOWED with an Allow header for a known path', async () => {
    const cases: [Api, string, string, string[]][] = [
      [server.anon(), 'DELETE', '/health', ['GET']],
      [server.admin, 'PATCH', '/api/v1/management/dialogs', ['POST']],
      [server.admin, 'DELETE', '/api/v1/management/dialogs', ['POST']],
      [server.admin, 'GET', '/api/v1/management/tokens', ['POST']],
      [server.admin, 'POST', `/api/v1/management/dialogs/${MISSING}`, ['GET', 'DELETE']],
      [server.admin, 'GET', `/api/v1/management/dialogs/${MISSING}/access-scopes`, ['PUT']],
      [user, 'PUT', `/api/v1/dialogs/${dialogId}/messages`, ['GET', 'POST']],
      [user, 'GET', `/api/v1/dialogs/${dialogId}/leave`, ['POST']],
    ];
    for (const [api, method, path, allowed] of cases) {
      const res = await api.request(method, path);
      envelope(res, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      expect(allow, `${method} ${path}`).toEqual(expect.arrayContaining(allowed));
      expect(allow).not.toContain(method);
    }
  });
});

describe('request bodies', () => {
  const createBody = () => ({ object_id: 'o', object_type: 't', participants: [] });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const admin = server.admin.with({ 'content-type': type });
      envelope(await admin.post('/api/v1/management/dialogs', JSON.stringify(createBody())), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const chat = user.with({ 'content-type': type });
      envelope(await chat.post(`/api/v1/dialogs/${dialogId}/messages`, JSON.stringify({ content: 'x' })), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('accepts application/json with a charset', async () => {
    const res = await server.admin
      .with({ 'content-type': 'application/json; charset=utf-8' })
      .post('/api/v1/management/dialogs', createBody());
    expect(res.status, res.text).toBe(200);
  });

  it('answers 400 INVALID_INPUT for malformed JSON', async () => {
    for (const text of ['{"object_id":', '{bad}', "{'a':1}", '{"a":1}}', 'undefined']) {
      envelope(await server.admin.post('/api/v1/management/dialogs', text), 400, 'INVALID_INPUT');
      envelope(await user.post(`/api/v1/dialogs/${dialogId}/messages`, text), 400, 'INVALID_INPUT');
    }
  });

  it('answers 400 INVALID_INPUT (MTChat: 422) for a missing or wrongly typed field', async () => {
    envelope(await server.admin.post('/api/v1/management/dialogs', { object_id: 'o', object_type: 't' }), 400, 'INVALID_INPUT');
    envelope(await user.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 5 }), 400, 'INVALID_INPUT');
    envelope(await user.post(`/api/v1/dialogs/${dialogId}/notifications`, { enabled: 'yes' }), 400, 'INVALID_INPUT');
    envelope(await user.post(`/api/v1/dialogs/${dialogId}/read`, { last_read_message_id: 'nope' }), 400, 'INVALID_INPUT');
  });

  it('answers 400 INVALID_INPUT for an empty body where one is required', async () => {
    const admin = server.admin.with({ 'content-type': 'application/json' });
    envelope(await admin.post('/api/v1/management/dialogs'), 400, 'INVALID_INPUT');
    envelope(await admin.post('/api/v1/management/dialogs', ''), 400, 'INVALID_INPUT');
  });

  it('accepts an empty body with Content-Type: application/json where none is needed (MTChat SDK)', async () => {
    const sdk = user.with({ 'content-type': 'application/json' });
    for (const [verb, status] of [
      ['archive', 'archived'],
      ['unarchive', 'unarchived'],
      ['pin', 'pinned'],
      ['unpin', 'unpinned'],
    ]) {
      const res = await sdk.post(`/api/v1/dialogs/${dialogId}/${verb}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ status });
    }
    const leave = await sdk.post(`/api/v1/dialogs/${dialogId}/leave`);
    expect(leave.status, leave.text).toBe(200);
    expect(leave.body).toEqual({ status: 'left' });
    const list = await user.get('/api/v1/dialogs');
    expect(list.body.data.map((d: { id: string }) => d.id)).not.toContain(dialogId);
  });
});

describe('body size', () => {
  it('answers 413 PAYLOAD_TOO_LARGE above BODY_LIMIT_BYTES, and accepts a body under it', async () => {
    const small = await startServer({ BODY_LIMIT_BYTES: '2048' });
    try {
      const body = (title: string) => ({ object_id: 'o', object_type: 't', title, participants: [] });
      expect((await small.admin.post('/api/v1/management/dialogs', body('t'.repeat(400)))).status).toBe(200);
      envelope(await small.admin.post('/api/v1/management/dialogs', body('t'.repeat(3000))), 413, 'PAYLOAD_TOO_LARGE');
      const d = await createDialog(small, { participants: [person('big')] });
      const big = await small.user('big');
      envelope(await big.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'x'.repeat(3000) }), 413, 'PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('defaults to 2 MiB, as MTChat', async () => {
    const pad = 'p'.repeat(2 * 1024 * 1024);
    envelope(
      await server.admin.post('/api/v1/management/dialogs', { object_id: 'o', object_type: 't', participants: [], meta: { pad } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe('path and query values', () => {
  it('answers 400 INVALID_INPUT for a path id that is not a UUID', async () => {
    envelope(await server.admin.get('/api/v1/management/dialogs/not-a-uuid'), 400, 'INVALID_INPUT');
    envelope(await server.admin.delete('/api/v1/management/dialogs/123'), 400, 'INVALID_INPUT');
    envelope(await server.admin.put('/api/v1/management/dialogs/zzz/access-scopes', { access_scopes: [] }), 400, 'INVALID_INPUT');
    envelope(await user.get('/api/v1/dialogs/not-a-uuid'), 400, 'INVALID_INPUT');
    envelope(await user.get(`/api/v1/dialogs/${dialogId}/messages/nope`), 400, 'INVALID_INPUT');
    envelope(await user.post('/api/v1/dialogs/nope/leave'), 400, 'INVALID_INPUT');
  });

  it('answers 400 INVALID_INPUT for bad query values', async () => {
    for (const q of ['archived=yes', 'archived=1', 'limit=abc', 'limit=-1', 'limit=1.5', 'offset=abc']) {
      envelope(await user.get(`/api/v1/dialogs?${q}`), 400, 'INVALID_INPUT');
    }
    for (const q of ['before=notauuid', 'after=1', 'around=x', 'limit=abc', 'limit=-1']) {
      envelope(await user.get(`/api/v1/dialogs/${dialogId}/messages?${q}`), 400, 'INVALID_INPUT');
    }
    envelope(await user.get('/api/v1/dialogs/by-object/order/x/list?archived=maybe'), 400, 'INVALID_INPUT');
  });
});

describe('authentication failures', () => {
  it('answers the Chat API without a token, or with a bad one, in the envelope (MTChat: plain text)', async () => {
    envelope(await server.anon().get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    envelope(await server.anon().with({ authorization: 'Bearer not-a-token' }).get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    envelope(await server.anon().post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'x' }), 401, 'UNAUTHORIZED');
  });
});

describe('internal errors', () => {
  it('answer 500 INTERNAL_ERROR with a fixed message when the database is gone', async () => {
    const broken = await startServer();
    try {
      const d = await createDialog(broken);
      await broken.built.services.db.close();
      const res = await broken.admin.get(`/api/v1/management/dialogs/${d.id}`);
      envelope(res, 500, 'INTERNAL_ERROR');
      expect(res.body.error.message).toBe('Internal server error');
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});

describe('docs/errors.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
  const rows = new Map<string, { status: number; retryable: boolean; when: string }>();
  for (const m of doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|(.*)\|\s*$/gm)) {
    rows.set(m[1]!, { status: Number(m[2]), retryable: m[3] === 'yes', when: m[4]!.trim() });
  }

  it('has a row for every code in ERROR_CATALOG with its status, retryability and a description', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
      const row = rows.get(code);
      expect(row, `docs/errors.md lacks ${code}`).toBeDefined();
      expect(row!.status, code).toBe(spec.status);
      expect(row!.retryable, code).toBe(spec.retryable);
      expect(row!.when.length, code).toBeGreaterThan(20);
    }
  });

  it('lists no code that is not in the catalog', () => {
    for (const code of rows.keys()) expect(Object.keys(ERROR_CATALOG), code).toContain(code);
  });
});
