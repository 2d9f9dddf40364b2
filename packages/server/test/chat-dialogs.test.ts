/**
 * Chat API dialog reads over HTTP: the two dialog lists, one dialog, by business object, with scope matching
 * exactly as spec §3.1. (By business object: chat-dialogs-by-object.test.ts; join, leave, flags and participants:
 * chat-membership.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { AVAILABLE_KEYS, chatUser, DIALOG_KEYS, idsOf, randomUuid, send, unique, type ScopeSpec } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const PARTICIPATING_KEYS = [
  ...DIALOG_KEYS,
  'participants_count',
  'i_am_participant',
  'can_join',
  'unread_count',
  'is_archived',
  'is_pinned',
  'notifications_enabled',
  'last_message_at',
  'last_message',
  'participants',
];

describe('GET /dialogs', () => {
  it('lists the dialogs the user takes part in by default, newest first', async () => {
    const u = unique('lister');
    const d1 = await createDialog(server, { participants: [person(u)] });
    const d2 = await createDialog(server, { participants: [person(u), person(unique('other'))] });
    await createDialog(server, { participants: [person(unique('else'))] });
    const api = await chatUser(server, u);
    const res = await api.get('/api/v1/dialogs');
    expect(res.status).toBe(200);
    expect(idsOf(res.body.data)).toEqual([d2.id, d1.id]);
    expect(idsOf((await api.get('/api/v1/dialogs?type=participating')).body.data)).toEqual([d2.id, d1.id]);
  });

  it('shows exactly the participating fields, in MTChat order', async () => {
    const u = unique('shape');
    const d = await createDialog(server, { title: 'Shape', participants: [person(u, { company: 'Acme' }), person(unique('peer'))] });
    const api = await chatUser(server, u);
    const [item] = (await api.get('/api/v1/dialogs')).body.data;
    expect(Object.keys(item)).toEqual(PARTICIPATING_KEYS);
    expect(item).toMatchObject({
      id: d.id,
      title: 'Shape',
      object_url: null,
      created_by: u,
      participants_count: 2,
      i_am_participant: true,
      can_join: false,
      unread_count: 0,
      is_archived: false,
      is_pinned: false,
      notifications_enabled: true,
    });
    // The chat_created system message is the last message: no sender.
    expect(Object.keys(item.last_message)).toEqual(['id', 'content', 'sent_at', 'message_type']);
    expect(item.last_message.message_type).toBe('system');
    expect(item.last_message_at).toBe(item.last_message.sent_at);
    const byId = Object.fromEntries(item.participants.map((p: any) => [p.user_id, p]));
    expect(byId[u]).toEqual({ user_id: u, display_name: u.toUpperCase(), company: 'Acme' });
    const peer = item.participants.find((p: any) => p.user_id !== u);
    expect(Object.keys(peer)).toEqual(['user_id', 'display_name']);
  });

  it('omits last_message and last_message_at for a dialog without messages', async () => {
    const u = unique('quiet');
    const d = await createDialog(server);
    expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(u))).status).toBe(201);
    const [item] = (await (await chatUser(server, u)).get('/api/v1/dialogs')).body.data;
    expect(item.id).toBe(d.id);
    expect(item).not.toHaveProperty('last_message');
    expect(item).not.toHaveProperty('last_message_at');
  });

  it('rejects an unknown type and an available list without a scope header', async () => {
    const api = await chatUser(server, unique('typo'));
    const bad = await api.get('/api/v1/dialogs?type=everything');
    expectError(bad, 400, 'BAD_REQUEST');
    expect(bad.body.error.message).toBe('Invalid type parameter');
    const noHeader = await api.get('/api/v1/dialogs?type=available');
    expectError(noHeader, 400, 'BAD_REQUEST');
    expect(noHeader.body.error.message).toBe('X-Scope-Config header required for available dialogs');
  });

  it('lists available dialogs with the potential-participant shape, never the user’s own or unscoped ones', async () => {
    const tenant = unique('tenant');
    const u = unique('seeker');
    const open = await createDialog(server, { participants: [person(unique('m'))], access_scopes: [{ scope_level0: [tenant] }] });
    const mine = await createDialog(server, { participants: [person(u)], access_scopes: [{ scope_level0: [tenant] }] });
    const unscoped = await createDialog(server, { participants: [person(unique('m'))] });
    const foreign = await createDialog(server, { access_scopes: [{ scope_level0: [unique('tenant')] }] });
    const api = await chatUser(server, u, { scope_level0: [tenant] });
    const res = await api.get('/api/v1/dialogs?type=available');
    expect(res.status).toBe(200);
    const ids = idsOf(res.body.data);
    expect(ids).toContain(open.id);
    for (const hidden of [mine.id, unscoped.id, foreign.id]) expect(ids).not.toContain(hidden);
    const item = res.body.data.find((d: any) => d.id === open.id);
    expect(Object.keys(item)).toEqual(AVAILABLE_KEYS);
    expect(item).toMatchObject({ participants_count: 1, i_am_participant: false, can_join: true });
    // archived does not filter the available list.
    expect(idsOf((await api.get('/api/v1/dialogs?type=available&archived=true')).body.data)).toContain(open.id);
  });

  it('filters on the user’s own archived flag', async () => {
    const u = unique('arch');
    const a = await createDialog(server, { participants: [person(u)] });
    const b = await createDialog(server, { participants: [person(u)] });
    const api = await chatUser(server, u);
    expect((await api.post(`/api/v1/dialogs/${a.id}/archive`)).status).toBe(200);
    expect(idsOf((await api.get('/api/v1/dialogs?archived=true')).body.data)).toEqual([a.id]);
    expect(idsOf((await api.get('/api/v1/dialogs?archived=false')).body.data)).toEqual([b.id]);
    expect(idsOf((await api.get('/api/v1/dialogs')).body.data)).toEqual([b.id, a.id]);
    expectError(await api.get('/api/v1/dialogs?archived=yes'), 400, 'INVALID_INPUT');
  });

  it('searches titles and participant companies, case-insensitively, with % and _ taken literally', async () => {
    const u = unique('searcher');
    const freight = await createDialog(server, { title: 'Alpha Freight', participants: [person(u)] });
    const company = await createDialog(server, {
      title: 'Plain',
      participants: [person(u), person(unique('c'), { company: 'Northwind Logistics' })],
    });
    const percent = await createDialog(server, { title: 'Done 100% today', participants: [person(u)] });
    const noPercent = await createDialog(server, { title: 'Done 100 today', participants: [person(u)] });
    const underscore = await createDialog(server, { title: 'file_name', participants: [person(u)] });
    const lookalike = await createDialog(server, { title: 'fileXname', participants: [person(u)] });
    const untitled = await createDialog(server, { participants: [person(u)] });
    const api = await chatUser(server, u);
    const search = async (term: string) => idsOf((await api.get(`/api/v1/dialogs?search=${encodeURIComponent(term)}`)).body.data);
    expect(await search('alpha')).toEqual([freight.id]);
    expect(await search('FREIGHT')).toEqual([freight.id]);
    expect(await search('northWIND')).toEqual([company.id]);
    expect(await search('100%')).toEqual([percent.id]);
    expect(await search('%')).toEqual([percent.id]);
    expect(await search('file_')).toEqual([underscore.id]);
    expect(await search('no such thing')).toEqual([]);
    const all = await search('');
    expect(all).toEqual(expect.arrayContaining([freight.id, company.id, percent.id, noPercent.id, underscore.id, lookalike.id]));
    // Message content is never searched.
    await send(api, untitled.id, 'Alpha inside a message');
    expect(await search('inside a message')).toEqual([]);
  });

  it('pages with limit and offset', async () => {
    const u = unique('pager');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createDialog(server, { participants: [person(u)] })).id);
    const newestFirst = [...created].reverse();
    const api = await chatUser(server, u);
    const page = async (q: string) => idsOf((await api.get(`/api/v1/dialogs?${q}`)).body.data);
    expect(await page('limit=2')).toEqual(newestFirst.slice(0, 2));
    expect(await page('limit=2&offset=2')).toEqual(newestFirst.slice(2, 4));
    expect(await page('limit=2&offset=4')).toEqual(newestFirst.slice(4));
    expect(await page('offset=5')).toEqual([]);
    expect(await page('limit=0')).toEqual([]);
    expectError(await api.get('/api/v1/dialogs?limit=-1'), 400, 'INVALID_INPUT');
    expectError(await api.get('/api/v1/dialogs?limit=abc'), 400, 'INVALID_INPUT');
  });

  it('hides a participant’s dialogs of other tenants when a scope header is sent (scenario 2)', async () => {
    const u = unique('multi');
    const [ta, tb] = [unique('ta'), unique('tb')];
    const da = await createDialog(server, { participants: [person(u)], access_scopes: [{ scope_level0: [ta] }] });
    const db = await createDialog(server, { participants: [person(u)], access_scopes: [{ scope_level0: [tb] }] });
    const dn = await createDialog(server, { participants: [person(u)] });
    const plain = await chatUser(server, u);
    expect(idsOf((await plain.withScope({ scope_level0: [ta] }).get('/api/v1/dialogs')).body.data)).toEqual([dn.id, da.id]);
    expect(idsOf((await plain.withScope({ scope_level0: [tb] }).get('/api/v1/dialogs')).body.data)).toEqual([dn.id, db.id]);
    expect(idsOf((await plain.get('/api/v1/dialogs')).body.data)).toEqual([dn.id, db.id, da.id]);
    // Single reads follow the same rule as the list: another tenant's dialog does not exist for this caller.
    const asA = plain.withScope({ scope_level0: [ta] });
    expect((await asA.get(`/api/v1/dialogs/${da.id}`)).body.data).toMatchObject({ id: da.id, i_am_participant: true });
    expectError(await asA.get(`/api/v1/dialogs/${db.id}`), 404, 'DIALOG_NOT_FOUND');
    // Messages of a dialog the caller may not know answer as for a missing one (MTChat: 403 FORBIDDEN).
    expectError(await asA.get(`/api/v1/dialogs/${db.id}/messages`), 403, 'FORBIDDEN');
    expect((await asA.get(`/api/v1/dialogs/by-object/order/${db.object_id}`)).body.data).toBeNull();
    expect((await plain.get(`/api/v1/dialogs/${db.id}`)).status).toBe(200);
  });

  it('answers 400 BAD_REQUEST for a malformed X-Scope-Config', async () => {
    const api = await chatUser(server, unique('malformed'));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const header of [
      '%%%not-base64',
      'abc',
      b64('not json'),
      b64('{"scope_level0":[1]}'),
      b64('{"scope_level0":null}'),
      b64('{"scope_level1":"x"}'),
    ]) {
      const res = await api.with({ 'x-scope-config': header }).get('/api/v1/dialogs');
      expectError(res, 400, 'BAD_REQUEST');
      expect(res.body.error.message).toMatch(/^Invalid X-Scope-Config/);
    }
  });
});

describe('scope matching (spec §3.1)', () => {
  // Each case: the dialog's scope rows, the caller's header, whether the caller may discover the dialog.
  // `T` stands for a value unique to the case, so cases never see each other's dialogs.
  const cases: Array<[string, ScopeSpec[], ScopeSpec, boolean]> = [
    ['same level-0 value', [{ scope_level0: ['T'] }], { scope_level0: ['T'] }, true],
    ['different level-0 value', [{ scope_level0: ['T'] }], { scope_level0: ['T-other'] }, false],
    [
      'levels are AND-ed: level 1 differs',
      [{ scope_level0: ['T'], scope_level1: ['x'] }],
      { scope_level0: ['T'], scope_level1: ['y'] },
      false,
    ],
    [
      'a level matches on any shared value',
      [{ scope_level0: ['T', 'T-b'], scope_level1: ['x'] }],
      { scope_level0: ['T-b', 'T-c'], scope_level1: ['y', 'x'] },
      true,
    ],
    [
      'rows are OR-ed',
      [{ scope_level0: ['T'], scope_level1: ['x'] }, { scope_level0: ['T-second'] }],
      { scope_level0: ['T-second'], scope_level1: ['z'] },
      true,
    ],
    [
      'an empty row level is a wildcard',
      [{ scope_level0: ['T'], scope_level1: [] }],
      { scope_level0: ['T'], scope_level1: ['anything'] },
      true,
    ],
    ['an empty caller level matches only empty row levels', [{ scope_level0: ['T'], scope_level1: ['x'] }], { scope_level0: ['T'] }, false],
    [
      'level 2 alone, with levels 0 and 1 as wildcards',
      [{ scope_level2: ['T'] }],
      { scope_level0: ['whatever'], scope_level2: ['T'] },
      true,
    ],
    [
      'all three levels checked',
      [{ scope_level0: ['T'], scope_level1: ['x'], scope_level2: ['c'] }],
      { scope_level0: ['T'], scope_level1: ['x'], scope_level2: ['d'] },
      false,
    ],
    ['tenant_uid is level 0 in the header', [{ scope_level0: ['T'] }], { tenant_uid: 'T' }, true],
    ['tenant_uid is level 0 in management scopes', [{ tenant_uid: 'T' } as ScopeSpec], { scope_level0: ['T'] }, true],
    ['tenant_uid of another tenant', [{ scope_level0: ['T'] }], { tenant_uid: 'T-other' }, false],
    ['a dialog without scope rows is never discoverable', [], { scope_level0: ['T'] }, false],
  ];

  for (const [name, rows, header, visible] of cases) {
    it(`${name} -> ${visible ? 'visible' : 'hidden'}`, async () => {
      const t = unique('scope');
      const sub = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('"T', `"${t}`));
      const title = unique('Scoped');
      const d = await createDialog(server, { title, participants: [person(unique('member'))], access_scopes: sub(rows) as any });
      const api = await chatUser(server, unique('caller'), sub(header));
      const available = idsOf((await api.get(`/api/v1/dialogs?type=available&search=${title}`)).body.data);
      const one = await api.get(`/api/v1/dialogs/${d.id}`);
      const byObject = (await api.get(`/api/v1/dialogs/by-object/order/${d.object_id}`)).body.data;
      if (visible) {
        expect(available).toEqual([d.id]);
        expect(one.status).toBe(200);
        expect(one.body.data).toMatchObject({ id: d.id, i_am_participant: false, can_join: true });
        expect(byObject?.id).toBe(d.id);
      } else {
        expect(available).toEqual([]);
        expectError(one, 404, 'DIALOG_NOT_FOUND');
        expect(byObject).toBeNull();
      }
    });
  }

  it('a row with every level empty matches any caller that sends a header, even {}', async () => {
    const title = unique('Wildcard');
    const d = await createDialog(server, { title, access_scopes: [{}] });
    const withEmpty = await chatUser(server, unique('empty'), {});
    expect(idsOf((await withEmpty.get(`/api/v1/dialogs?type=available&search=${title}`)).body.data)).toEqual([d.id]);
    const without = await chatUser(server, unique('none'));
    expectError(await without.get(`/api/v1/dialogs/${d.id}`), 404, 'DIALOG_NOT_FOUND');
  });

  it('a scope carried in the token overrides the header', async () => {
    const t = unique('tok');
    const d = await createDialog(server, { access_scopes: [{ scope_level0: [t] }] });
    const api = await server.user(unique('carrier'), { scope_level0: [t] });
    expect((await api.withScope({ scope_level0: ['someone-else'] }).get(`/api/v1/dialogs/${d.id}`)).status).toBe(200);
  });
});

describe('GET /dialogs/{id}', () => {
  it('shows a participant the dialog with participants, and no per-user fields', async () => {
    const u = unique('viewer');
    const d = await createDialog(server, { participants: [person(u), person(unique('peer'))], meta: { k: 1 } });
    const res = await (await chatUser(server, u)).get(`/api/v1/dialogs/${d.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([
      ...DIALOG_KEYS,
      'meta',
      'participants_count',
      'i_am_participant',
      'can_join',
      'participants',
    ]);
    expect(res.body.data).toMatchObject({ id: d.id, meta: { k: 1 }, participants_count: 2, i_am_participant: true, can_join: false });
  });

  it('shows a potential participant the dialog without participants', async () => {
    const t = unique('t');
    const d = await createDialog(server, { participants: [person(unique('peer'))], access_scopes: [{ scope_level0: [t] }] });
    const res = await (await chatUser(server, unique('potential'), { scope_level0: [t] })).get(`/api/v1/dialogs/${d.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([...DIALOG_KEYS, 'i_am_participant', 'can_join']);
    expect(res.body.data).toMatchObject({ i_am_participant: false, can_join: true });
  });

  it('answers a stranger exactly as for a dialog that does not exist', async () => {
    const t = unique('t');
    const d = await createDialog(server, { participants: [person(unique('peer'))], access_scopes: [{ scope_level0: [t] }] });
    for (const api of [
      await chatUser(server, unique('stranger')),
      await chatUser(server, unique('stranger'), { scope_level0: ['elsewhere'] }),
    ]) {
      const existing = await api.get(`/api/v1/dialogs/${d.id}`);
      const missing = await api.get(`/api/v1/dialogs/${randomUuid()}`);
      expectError(existing, 404, 'DIALOG_NOT_FOUND');
      expect(existing.text).toBe(missing.text);
    }
    expectError(await (await chatUser(server, unique('x'))).get('/api/v1/dialogs/not-a-uuid'), 400, 'INVALID_INPUT');
  });
});
