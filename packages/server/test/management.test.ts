/**
 * The Management API over HTTP: every endpoint with MTChat's request and response shapes, admin authentication,
 * and the 404s of missing dialogs (input validation: management-validation.test.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { DIALOG_KEYS, PARTICIPANT_KEYS as CHAT_PARTICIPANT_KEYS } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

const M = '/api/v1/management';
// The Management API's participant has every field of the Chat API's except presence.
const PARTICIPANT_KEYS = CHAT_PARTICIPANT_KEYS.filter((k) => k !== 'is_online');
const SCOPE_KEYS = ['id', 'dialog_id', 'scope_level0', 'scope_level1', 'scope_level2', 'created_at'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/;
const MISSING = '0190f2a4-0000-7000-8000-000000000000';

let server: TestServer;
let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function createBody(over: Record<string, unknown> = {}) {
  return { object_id: uniq('obj'), object_type: 'order', title: 'T', participants: [person(uniq('u'))], access_scopes: [], ...over };
}

async function details(id: string) {
  const res = await server.admin.get(`${M}/dialogs/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

describe('admin authentication', () => {
  const endpoints: [string, string, unknown?][] = [
    ['POST', '/dialogs', createBody()],
    ['POST', '/dialogs/search', { object_id: 'o', object_type: 't' }],
    ['GET', `/dialogs/${MISSING}`],
    ['DELETE', `/dialogs/${MISSING}`],
    ['POST', `/dialogs/${MISSING}/participants`, person('x')],
    ['DELETE', `/dialogs/${MISSING}/participants/x`],
    ['PUT', `/dialogs/${MISSING}/access-scopes`, { access_scopes: [] }],
    ['POST', '/tokens', { user_id: 'x' }],
  ];

  it('answers 401 UNAUTHORIZED without an Authorization header, on every endpoint', async () => {
    for (const [method, path, body] of endpoints) {
      const res = await server.anon().request(method, M + path, body);
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.body.error.message).toBe('Authorization header required');
    }
  });

  it('answers 401 UNAUTHORIZED for another scheme, and 403 FORBIDDEN for a wrong token, on every endpoint', async () => {
    for (const [method, path, body] of endpoints) {
      for (const header of [`Basic ${server.adminToken}`, `bearer ${server.adminToken}`, server.adminToken]) {
        const res = await server
          .anon()
          .with({ authorization: header })
          .request(method, M + path, body);
        expectError(res, 401, 'UNAUTHORIZED');
        expect(res.body.error.message).toBe('Invalid authorization format. Use: Bearer <token>');
      }
      const wrong = await server
        .anon()
        .with({ authorization: `Bearer ${server.adminToken}x` })
        .request(method, M + path, body);
      expectError(wrong, 403, 'FORBIDDEN');
      expect(wrong.body.error.message).toBe('Invalid admin token');
    }
  });

  it('refuses a user token where the admin token is required', async () => {
    const user = await server.user('someone');
    expectError(await user.post(`${M}/dialogs`, createBody()), 403, 'FORBIDDEN');
  });

  it('accepts the right token', async () => {
    const res = await server.admin.post(`${M}/dialogs/search`, { object_id: 'nothing', object_type: 'here' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: null });
  });

  it('generates a strong admin token into DATA_DIR/admin-token (mode 0600) when ADMIN_API_TOKEN is unset', () => {
    const file = join(server.dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(server.adminToken);
    expect(server.adminToken.length).toBeGreaterThanOrEqual(32);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('uses ADMIN_API_TOKEN when it is set, and generates nothing', async () => {
    const configured = `configured-admin-token-${Math.random().toString(36).slice(2)}`;
    const other = await startServer({ ADMIN_API_TOKEN: configured });
    try {
      expect(existsSync(join(other.dataDir, 'admin-token'))).toBe(false);
      const ok = await new Api(other.url, { authorization: `Bearer ${configured}` }).post(`${M}/dialogs/search`, {
        object_id: 'a',
        object_type: 'b',
      });
      expect(ok.status).toBe(200);
      const generated = await new Api(other.url, { authorization: `Bearer ${server.adminToken}` }).post(`${M}/dialogs/search`, {
        object_id: 'a',
        object_type: 'b',
      });
      expectError(generated, 403, 'FORBIDDEN');
    } finally {
      await other.close();
    }
  });
});

describe('POST /dialogs (create)', () => {
  it('returns the Dialog fields only, in MTChat order, with created_by = the first participant', async () => {
    const body = createBody({
      title: 'Order 42',
      object_url: 'https://host.example/orders/42',
      participants: [person('alice', { company: 'Acme' }), person('bob')],
      access_scopes: [{ scope_level0: ['t1'] }],
    });
    const res = await server.admin.post(`${M}/dialogs`, body);
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    const d = res.body.data;
    expect(Object.keys(d)).toEqual(DIALOG_KEYS);
    expect(d).toMatchObject({
      object_id: body.object_id,
      object_type: 'order',
      title: 'Order 42',
      object_url: 'https://host.example/orders/42',
      created_by: 'alice',
    });
    expect(d.id).toMatch(UUID);
    expect(d.created_at).toMatch(TIMESTAMP);
  });

  it('keeps title, object_url and created_by null when absent', async () => {
    const res = await server.admin.post(`${M}/dialogs`, { object_id: uniq('o'), object_type: 'order', participants: [] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ title: null, object_url: null, created_by: null });
    expect(Object.keys(res.body.data)).toEqual(DIALOG_KEYS);
  });

  it('echoes meta, and omits it when absent or null', async () => {
    const meta = { priority: 'high', tags: ['a', 'b'], nested: { n: 1, ok: true } };
    const withMeta = await server.admin.post(`${M}/dialogs`, createBody({ meta }));
    expect(withMeta.body.data.meta).toEqual(meta);
    expect(Object.keys(withMeta.body.data)).toEqual([...DIALOG_KEYS, 'meta']);
    expect((await details(withMeta.body.data.id)).meta).toEqual(meta);

    const without = await server.admin.post(`${M}/dialogs`, createBody());
    expect('meta' in without.body.data).toBe(false);
    const nullMeta = await server.admin.post(`${M}/dialogs`, createBody({ meta: null }));
    expect('meta' in nullMeta.body.data).toBe(false);
  });

  it('writes a chat_created system message (sorted keys, company omitted when absent) as the first message', async () => {
    const d = await createDialog(server, { participants: [person('carol', { company: 'Acme' }), person('dave')] });
    const carol = await server.user('carol');
    const res = await carol.get(`/api/v1/dialogs/${d.id}/messages`);
    expect(res.status, res.text).toBe(200);
    const [first, ...rest] = res.body.data.messages;
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ dialog_id: d.id, sender_id: null, message_type: 'system', reply_to_id: null, last_edited_at: null });
    expect(first.content).toBe('{"event":"chat_created","participants":[{"company":"Acme","name":"CAROL"},{"name":"DAVE"}]}');
  });

  it('inserts participants as joined_as "participant" with nothing unread, and writes no system message without participants', async () => {
    const d = await createDialog(server, { participants: [person('erin'), person('frank')] });
    const data = await details(d.id);
    expect(data.participants.map((p: any) => [p.user_id, p.joined_as, p.unread_count])).toEqual([
      ['erin', 'participant', 0],
      ['frank', 'participant', 0],
    ]);

    const empty = await createDialog(server, { participants: [] });
    await server.admin.post(`${M}/dialogs/${empty.id}/participants`, person('gina'));
    const gina = await server.user('gina');
    const msgs = await gina.get(`/api/v1/dialogs/${empty.id}/messages`);
    expect(msgs.status, msgs.text).toBe(200);
    expect(msgs.body.data.messages).toEqual([]);
  });

  it('accepts tenant_uid as an alias of scope_level0 in access_scopes', async () => {
    const d = await createDialog(server, { access_scopes: [{ tenant_uid: 'tenant-x', scope_level1: ['dept'] } as any] });
    const data = await details(d.id);
    expect(data.access_scopes).toHaveLength(1);
    expect(data.access_scopes[0]).toMatchObject({ scope_level0: ['tenant-x'], scope_level1: ['dept'], scope_level2: [] });
    const found = await server.admin.post(`${M}/dialogs/search`, {
      object_id: d.object_id,
      object_type: d.object_type,
      access_scopes: [{ scope_level0: ['tenant-x'], scope_level1: ['dept'] }],
    });
    expect(found.body.data?.id).toBe(d.id);
  });
});

describe('POST /dialogs/search (find by object and scopes)', () => {
  it('finds the dialog whatever the order of scope rows and of values inside a level', async () => {
    const d = await createDialog(server, {
      access_scopes: [{ scope_level0: ['org', 'carrier'], scope_level2: ['chat'] }, { scope_level1: ['x', 'y'] }],
    });
    const res = await server.admin.post(`${M}/dialogs/search`, {
      object_id: d.object_id,
      object_type: d.object_type,
      access_scopes: [{ scope_level1: ['y', 'x', 'x'] }, { scope_level2: ['chat'], scope_level0: ['carrier', 'org'] }],
    });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body.data)).toEqual(DIALOG_KEYS);
    expect(res.body.data.id).toBe(d.id);
  });

  it('answers data:null for a partial, a superset or a different set of scopes', async () => {
    const d = await createDialog(server, { access_scopes: [{ scope_level0: ['org', 'carrier'], scope_level2: ['chat'] }] });
    const search = (access_scopes: unknown[]) =>
      server.admin.post(`${M}/dialogs/search`, { object_id: d.object_id, object_type: d.object_type, access_scopes });
    for (const scopes of [
      [{ scope_level0: ['org', 'carrier'] }],
      [{ scope_level0: ['org'], scope_level2: ['chat'] }],
      [{ scope_level0: ['org', 'carrier'], scope_level2: ['chat'] }, { scope_level0: ['other'] }],
      [{ scope_level0: ['org', 'shipper'], scope_level2: ['chat'] }],
      [],
    ]) {
      const res = await search(scopes);
      expect(res.status).toBe(200);
      expect(res.body, JSON.stringify(scopes)).toEqual({ data: null });
    }
  });

  it('matches [] (or no access_scopes) only with a dialog that has no scope rows', async () => {
    const object_id = uniq('shared');
    const bare = await createDialog(server, { object_id, access_scopes: [] });
    const scoped = await createDialog(server, { object_id, access_scopes: [{ scope_level0: ['t'] }] });
    const empty = await server.admin.post(`${M}/dialogs/search`, { object_id, object_type: 'order', access_scopes: [] });
    expect(empty.body.data.id).toBe(bare.id);
    const omitted = await server.admin.post(`${M}/dialogs/search`, { object_id, object_type: 'order' });
    expect(omitted.body.data.id).toBe(bare.id);
    const withScope = await server.admin.post(`${M}/dialogs/search`, {
      object_id,
      object_type: 'order',
      access_scopes: [{ scope_level0: ['t'] }],
    });
    expect(withScope.body.data.id).toBe(scoped.id);
  });

  it('returns the newest of several matching dialogs, and null for an unknown object', async () => {
    const object_id = uniq('twice');
    await createDialog(server, { object_id, access_scopes: [{ scope_level0: ['a'] }] });
    const newer = await createDialog(server, { object_id, access_scopes: [{ scope_level0: ['a'] }] });
    const res = await server.admin.post(`${M}/dialogs/search`, {
      object_id,
      object_type: 'order',
      access_scopes: [{ scope_level0: ['a'] }],
    });
    expect(res.body.data.id).toBe(newer.id);
    const other = await server.admin.post(`${M}/dialogs/search`, {
      object_id,
      object_type: 'invoice',
      access_scopes: [{ scope_level0: ['a'] }],
    });
    expect(other.body).toEqual({ data: null });
  });
});

describe('GET /dialogs/{id}', () => {
  it('returns the dialog with full participants (email, phone) and access scopes, in MTChat field order', async () => {
    const d = await createDialog(server, {
      title: 'Details',
      participants: [person('p1', { company: 'Acme', email: 'p1@example.com', phone: '+1 555 0100' }), person('p2')],
      access_scopes: [{ scope_level0: ['t1', 't0'], scope_level1: ['d'] }],
    });
    const res = await server.admin.get(`${M}/dialogs/${d.id}`);
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(Object.keys(data)).toEqual([...DIALOG_KEYS, 'participants', 'access_scopes']);
    expect(data).toMatchObject({ id: d.id, title: 'Details', created_by: 'p1' });
    for (const p of data.participants) expect(Object.keys(p)).toEqual(PARTICIPANT_KEYS);
    expect(data.participants[0]).toEqual({
      dialog_id: d.id,
      user_id: 'p1',
      joined_at: expect.stringMatching(TIMESTAMP),
      joined_as: 'participant',
      notifications_enabled: true,
      last_read_message_id: null,
      unread_count: 0,
      display_name: 'P1',
      company: 'Acme',
      email: 'p1@example.com',
      phone: '+1 555 0100',
      is_archived: false,
      is_pinned: false,
    });
    expect(data.participants[1]).toMatchObject({ user_id: 'p2', company: null, email: null, phone: null });
    expect(data.access_scopes).toHaveLength(1);
    expect(Object.keys(data.access_scopes[0])).toEqual(SCOPE_KEYS);
    expect(data.access_scopes[0]).toMatchObject({ dialog_id: d.id, scope_level0: ['t0', 't1'], scope_level1: ['d'], scope_level2: [] });
    expect(data.access_scopes[0].id).toMatch(UUID);
  });

  it('answers 404 NOT_FOUND for a missing dialog', async () => {
    const res = await server.admin.get(`${M}/dialogs/${MISSING}`);
    expectError(res, 404, 'NOT_FOUND');
    expect(res.body.error.message).toBe('Dialog not found');
  });
});

describe('DELETE /dialogs/{id}', () => {
  it('answers 204 with an empty body, even when the dialog does not exist', async () => {
    const d = await createDialog(server);
    const res = await server.admin.delete(`${M}/dialogs/${d.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await server.admin.get(`${M}/dialogs/${d.id}`), 404, 'NOT_FOUND');
    const again = await server.admin.delete(`${M}/dialogs/${d.id}`);
    expect(again.status).toBe(204);
    expect((await server.admin.delete(`${M}/dialogs/${MISSING}`)).status).toBe(204);
  });

  it('cascades: the messages are gone and the dialog leaves its participants lists', async () => {
    const userId = uniq('member');
    const d = await createDialog(server, { participants: [person(userId)], access_scopes: [{ scope_level0: ['t'] }] });
    const member = await server.user(userId);
    const sent = await member.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'hello' });
    expect(sent.status, sent.text).toBe(200);
    const listed = await member.get('/api/v1/dialogs');
    expect(listed.body.data.map((x: any) => x.id)).toContain(d.id);

    expect((await server.admin.delete(`${M}/dialogs/${d.id}`)).status).toBe(204);

    const after = await member.get('/api/v1/dialogs');
    expect(after.status).toBe(200);
    expect(after.body.data.map((x: any) => x.id)).not.toContain(d.id);
    expectError(await member.get(`/api/v1/dialogs/${d.id}/messages/${sent.body.data.id}`), 404, 'MESSAGE_NOT_FOUND');
    const db = server.built.services.db.kysely;
    const count = async (table: 'messages' | 'dialog_participants' | 'dialog_access_scopes') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('dialog_id', '=', d.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('messages')).toBe(0);
    expect(await count('dialog_participants')).toBe(0);
    expect(await count('dialog_access_scopes')).toBe(0);
  });
});

describe('POST /dialogs/{id}/participants', () => {
  it('answers 201 with an empty body; the participant appears with its profile', async () => {
    const d = await createDialog(server, { participants: [person('owner')] });
    const res = await server.admin.post(`${M}/dialogs/${d.id}/participants`, {
      user_id: 'newbie',
      display_name: 'New Bie',
      company: 'Co',
      email: 'n@example.com',
      phone: '123',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.text).toBe('');
    const data = await details(d.id);
    expect(data.participants.map((p: any) => p.user_id)).toEqual(['owner', 'newbie']);
    expect(data.participants[1]).toMatchObject({
      joined_as: 'participant',
      display_name: 'New Bie',
      company: 'Co',
      email: 'n@example.com',
      phone: '123',
      unread_count: 0,
    });
  });

  it('is idempotent and leaves an existing profile untouched', async () => {
    const d = await createDialog(server, { participants: [person('keeper', { company: 'Old' })] });
    const res = await server.admin.post(`${M}/dialogs/${d.id}/participants`, {
      user_id: 'keeper',
      display_name: 'Changed',
      company: 'New',
    });
    expect(res.status).toBe(201);
    const data = await details(d.id);
    expect(data.participants).toHaveLength(1);
    expect(data.participants[0]).toMatchObject({ display_name: 'KEEPER', company: 'Old' });
  });

  it('starts the added participant with nothing unread', async () => {
    const d = await createDialog(server, { participants: [person('talker')] });
    const talker = await server.user('talker');
    for (const content of ['one', 'two']) expect((await talker.post(`/api/v1/dialogs/${d.id}/messages`, { content })).status).toBe(200);
    await server.admin.post(`${M}/dialogs/${d.id}/participants`, person('late'));
    const late = (await details(d.id)).participants.find((p: any) => p.user_id === 'late');
    expect(late.unread_count).toBe(0);
  });

  it('answers 404 NOT_FOUND for a missing dialog, but validates the body first', async () => {
    const missing = await server.admin.post(`${M}/dialogs/${MISSING}/participants`, person('x'));
    expectError(missing, 404, 'NOT_FOUND');
    expectError(await server.admin.post(`${M}/dialogs/${MISSING}/participants`, { user_id: 'x' }), 400, 'INVALID_INPUT');
    expectError(
      await server.admin.post(`${M}/dialogs/${MISSING}/participants`, { user_id: 'x', display_name: '  ' }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('DELETE /dialogs/{id}/participants/{user_id}', () => {
  it('answers 204 and removes the participant; removing again, or from a missing dialog, is 204 too', async () => {
    const d = await createDialog(server, { participants: [person('stay'), person('go')] });
    const res = await server.admin.delete(`${M}/dialogs/${d.id}/participants/go`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await details(d.id)).participants.map((p: any) => p.user_id)).toEqual(['stay']);
    expect((await server.admin.delete(`${M}/dialogs/${d.id}/participants/go`)).status).toBe(204);
    expect((await server.admin.delete(`${M}/dialogs/${MISSING}/participants/go`)).status).toBe(204);
  });

  it('takes the user id from the path percent-decoded', async () => {
    const d = await createDialog(server, { participants: [person('a b+c/d')] });
    expect((await server.admin.delete(`${M}/dialogs/${d.id}/participants/${encodeURIComponent('a b+c/d')}`)).status).toBe(204);
    expect((await details(d.id)).participants).toEqual([]);
  });
});

describe('PUT /dialogs/{id}/access-scopes', () => {
  it('replaces every scope row and returns the new rows', async () => {
    const d = await createDialog(server, { access_scopes: [{ scope_level0: ['old'] }, { scope_level0: ['older'] }] });
    const before = (await details(d.id)).access_scopes.map((s: any) => s.id);
    const res = await server.admin.put(`${M}/dialogs/${d.id}/access-scopes`, {
      access_scopes: [{ scope_level0: ['new'], scope_level2: ['z', 'a'] }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(Object.keys(res.body.data[0])).toEqual(SCOPE_KEYS);
    expect(res.body.data[0]).toMatchObject({ dialog_id: d.id, scope_level0: ['new'], scope_level1: [], scope_level2: ['a', 'z'] });
    const after = (await details(d.id)).access_scopes;
    expect(after.map((s: any) => s.id)).toEqual([res.body.data[0].id]);
    expect(before).not.toContain(res.body.data[0].id);
  });

  it('allows [] (the dialog then has no scope rows) and accepts tenant_uid', async () => {
    const d = await createDialog(server, { access_scopes: [{ scope_level0: ['x'] }] });
    const res = await server.admin.put(`${M}/dialogs/${d.id}/access-scopes`, { access_scopes: [] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [] });
    expect((await details(d.id)).access_scopes).toEqual([]);
    const aliased = await server.admin.put(`${M}/dialogs/${d.id}/access-scopes`, { access_scopes: [{ tenant_uid: 'tt' }] });
    expect(aliased.body.data[0]).toMatchObject({ scope_level0: ['tt'], scope_level1: [], scope_level2: [] });
  });

  it('answers 404 NOT_FOUND for a missing dialog and 400 for a missing access_scopes', async () => {
    expectError(await server.admin.put(`${M}/dialogs/${MISSING}/access-scopes`, { access_scopes: [] }), 404, 'NOT_FOUND');
    const d = await createDialog(server);
    expectError(await server.admin.put(`${M}/dialogs/${d.id}/access-scopes`, {}), 400, 'INVALID_INPUT');
    expectError(
      await server.admin.put(`${M}/dialogs/${d.id}/access-scopes`, { access_scopes: [{ scope_level0: 'x' }] }),
      400,
      'INVALID_INPUT',
    );
  });
});
