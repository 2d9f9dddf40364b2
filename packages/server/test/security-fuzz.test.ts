/**
 * Property-based fuzzing of every JSON endpoint: thousands of generated bodies, paths and queries, none of which
 * may produce a 5xx, a non-envelope error, or anything that looks like a stack trace.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Res } from './support/api.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let alice: Api;
let dialogId: string;
let messageId: string;

beforeAll(async () => {
  server = await startServer();
  dialogId = (await createDialog(server, { participants: [person('alice'), person('bob')], access_scopes: [{ scope_level0: ['t'] }] })).id;
  alice = (await server.user('alice')).withScope({ scope_level0: ['t'] });
  messageId = (await alice.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'seed' })).body.data.id;
});
afterAll(async () => {
  await server?.close();
});

const LEAK = /(\n\s+at\s)|(\.ts:\d+)|(node_modules)|(Error:)|(kysely)|(syntax error at)|(violates)/i;

function assertSafe(res: Res, what: string): void {
  expect(res.status, `${what} -> ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(LEAK.test(res.text), `${what} leaked: ${res.text.slice(0, 300)}`).toBe(false);
  if (res.status >= 400) {
    expect(res.body?.error?.code, `${what}: ${res.text.slice(0, 200)}`).toMatch(/^[A-Z_]+$/);
    expect(typeof res.body.error.message).toBe('string');
  }
}

/** Any JSON, with a bias towards values that stress validators. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    "'; DROP TABLE dialogs; --",
    '%00',
    '<script>',
    '💥'.repeat(200),
    'a'.repeat(70_000),
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, [], {}, -1, 0, 2 ** 53, 1e308),
);

/** Objects that carry the endpoint's real field names with arbitrary values, so validation is reached deeply. */
function nearValid(fields: string[]) {
  return fc.dictionary(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra'), nasty, { maxKeys: fields.length + 2 });
}

interface Target {
  name: string;
  call: (body: unknown) => Promise<Res>;
  fields: string[];
}

function targets(): Target[] {
  const m = '/api/v1/management';
  const d = `/api/v1/dialogs/${dialogId}`;
  return [
    {
      name: 'mgmt create',
      call: (b) => server.admin.post(`${m}/dialogs`, b),
      fields: ['object_id', 'object_type', 'title', 'object_url', 'participants', 'access_scopes', 'meta'],
    },
    {
      name: 'mgmt search',
      call: (b) => server.admin.post(`${m}/dialogs/search`, b),
      fields: ['object_id', 'object_type', 'access_scopes'],
    },
    {
      name: 'mgmt add participant',
      call: (b) => server.admin.post(`${m}/dialogs/${dialogId}/participants`, b),
      fields: ['user_id', 'display_name', 'company', 'email', 'phone'],
    },
    { name: 'mgmt scopes', call: (b) => server.admin.put(`${m}/dialogs/${dialogId}/access-scopes`, b), fields: ['access_scopes'] },
    {
      name: 'mgmt tokens',
      call: (b) => server.admin.post(`${m}/tokens`, b),
      fields: ['user_id', 'scope', 'profile', 'origins', 'ttl_seconds'],
    },
    { name: 'join', call: (b) => alice.post(`${d}/join`, b), fields: ['display_name', 'company', 'email', 'phone'] },
    { name: 'notifications', call: (b) => alice.post(`${d}/notifications`, b), fields: ['enabled'] },
    { name: 'read', call: (b) => alice.post(`${d}/read`, b), fields: ['last_read_message_id'] },
    { name: 'send', call: (b) => alice.post(`${d}/messages`, b), fields: ['content', 'reply_to', 'attachments', 'client_message_id'] },
    { name: 'edit', call: (b) => alice.put(`${d}/messages/${messageId}`, b), fields: ['content'] },
  ];
}

describe('fuzzing JSON bodies', () => {
  for (const index of targets().keys()) {
    it(`never fails badly: ${targets()[index]!.name}`, async () => {
      const t = targets()[index]!;
      await fc.assert(
        fc.asyncProperty(fc.oneof(nasty, nearValid(t.fields)), async (body) => {
          assertSafe(await t.call(body), `${t.name} ${JSON.stringify(body)?.slice(0, 200)}`);
        }),
        { numRuns: 250 },
      );
      // Raw, non-JSON and truncated bodies.
      for (const raw of ['{', '{"a":', 'null', '[]', '"x"', '\u0000', '{"__proto__":{"polluted":1}}']) {
        assertSafe(await t.call(raw), `${t.name} raw ${raw}`);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe('fuzzing paths and queries', () => {
  it('path parameters', async () => {
    const segment = fc.oneof(
      fc.uuid(),
      fc.string({ maxLength: 80 }),
      fc.constantFrom('..', '%2e%2e', '%00', 'null', '-1', '0'.repeat(600)),
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        const ea = encodeURIComponent(a);
        const eb = encodeURIComponent(b);
        for (const path of [
          `/api/v1/dialogs/${ea}`,
          `/api/v1/dialogs/${ea}/messages/${eb}`,
          `/api/v1/dialogs/by-object/${ea}/${eb}`,
          `/api/v1/dialogs/${ea}/participants`,
        ]) {
          assertSafe(await alice.get(path), path);
        }
        assertSafe(await server.admin.get(`/api/v1/management/dialogs/${ea}`), `mgmt ${a}`);
        assertSafe(await server.admin.delete(`/api/v1/management/dialogs/${dialogId}/participants/${ea}`), `mgmt rm ${a}`);
      }),
      { numRuns: 150 },
    );
  });

  it('query strings and the scope header', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.integer().map(String),
      fc.uuid(),
      fc.constantFrom('true', 'false', '-1', '1e9', '%', '_'),
    );
    await fc.assert(
      fc.asyncProperty(value, value, value, fc.string({ maxLength: 200 }), async (a, b, c, header) => {
        const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
        assertSafe(await alice.get(`/api/v1/dialogs?${q({ type: a, search: b, archived: c, limit: a, offset: b })}`), 'list');
        assertSafe(await alice.get(`/api/v1/dialogs/${dialogId}/messages?${q({ limit: a, before: b, after: c, around: a })}`), 'messages');
        assertSafe(
          await alice.with({ 'x-scope-config': Buffer.from(header).toString('base64') }).get('/api/v1/dialogs?type=available'),
          'scope header',
        );
      }),
      { numRuns: 150 },
    );
  });
});
