/**
 * Chat API dialog reads by business object over HTTP: one object's dialog and the list of an object's dialogs,
 * with the caller's scope. Split from chat-dialogs.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { AVAILABLE_KEYS, chatUser, DIALOG_KEYS, idsOf, send, unique } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('by object', () => {
  it('gives a participant the dialog, with the last message and no per-user flags (scenario 6)', async () => {
    const u = unique('owner');
    const d = await createDialog(server, { participants: [person(u)], access_scopes: [{ scope_level0: [unique('t')] }] });
    const api = await chatUser(server, u);
    const msg = await send(api, d.id, 'hello world');
    const res = await api.get(`/api/v1/dialogs/by-object/order/${d.object_id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([
      ...DIALOG_KEYS,
      'participants_count',
      'i_am_participant',
      'can_join',
      'last_message_at',
      'last_message',
      'participants',
    ]);
    expect(res.body.data).toMatchObject({ id: d.id, i_am_participant: true, can_join: false });
    expect(res.body.data.last_message).toEqual({
      id: msg.id,
      content: 'hello world',
      sender_id: u,
      sender_name: u.toUpperCase(),
      sent_at: msg.sent_at,
      message_type: 'user',
    });
  });

  it('gives a potential participant the dialog without the last message (scenario 7)', async () => {
    const t = unique('t');
    const member = unique('member');
    const d = await createDialog(server, { participants: [person(member)], access_scopes: [{ scope_level0: [t] }] });
    const res = await (await chatUser(server, unique('potential'), { scope_level0: [t] })).get(
      `/api/v1/dialogs/by-object/order/${d.object_id}`,
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([
      ...DIALOG_KEYS,
      'participants_count',
      'i_am_participant',
      'can_join',
      'last_message_at',
      'participants',
    ]);
    expect(res.body.data).toMatchObject({ i_am_participant: false, can_join: true, participants_count: 1 });
    expect(res.body.data.participants.map((p: any) => p.user_id)).toEqual([member]);
  });

  it('answers data:null for a non-matching scope, for no header, and for an unknown object (scenario 8)', async () => {
    const t = unique('t');
    const d = await createDialog(server, { participants: [person(unique('m'))], access_scopes: [{ scope_level0: [t] }] });
    const other = await chatUser(server, unique('other'), { scope_level0: ['nope'] });
    for (const res of [
      await other.get(`/api/v1/dialogs/by-object/order/${d.object_id}`),
      await (await chatUser(server, unique('bare'))).get(`/api/v1/dialogs/by-object/order/${d.object_id}`),
      await other.get(`/api/v1/dialogs/by-object/order/${unique('never')}`),
    ]) {
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"data":null}');
    }
  });

  it('returns the caller’s own accessible dialog, not simply the newest (scenario 9)', async () => {
    const objectId = unique('shared-object');
    const [ta, tb] = [unique('ta'), unique('tb')];
    const older = await createDialog(server, { object_id: objectId, access_scopes: [{ scope_level0: [tb] }] });
    const newer = await createDialog(server, { object_id: objectId, access_scopes: [{ scope_level0: [ta] }] });
    const path = `/api/v1/dialogs/by-object/order/${objectId}`;
    const b = (await (await chatUser(server, unique('b'), { scope_level0: [tb] })).get(path)).body.data;
    expect(b).toMatchObject({ id: older.id, can_join: true });
    expect((await (await chatUser(server, unique('a'), { scope_level0: [ta] })).get(path)).body.data.id).toBe(newer.id);
    expect((await (await chatUser(server, unique('u'), { scope_level0: [unique('unknown')] })).get(path)).body.data).toBeNull();
  });

  it('prefers the newest dialog among several accessible ones, and isolates tenants for participants', async () => {
    const u = unique('both');
    const objectId = unique('obj');
    const [ta, tb] = [unique('ta'), unique('tb')];
    const first = await createDialog(server, { object_id: objectId, participants: [person(u)], access_scopes: [{ scope_level0: [ta] }] });
    const second = await createDialog(server, { object_id: objectId, participants: [person(u)], access_scopes: [{ scope_level0: [tb] }] });
    const api = await chatUser(server, u);
    const path = `/api/v1/dialogs/by-object/order/${objectId}`;
    expect((await api.get(path)).body.data.id).toBe(second.id);
    expect((await api.withScope({ scope_level0: [ta] }).get(path)).body.data.id).toBe(first.id);
    expect((await api.withScope({ scope_level0: ['neither'] }).get(path)).body.data).toBeNull();
  });
});

describe('by object, list', () => {
  async function objectWithThree() {
    const u = unique('lister');
    const t = unique('t');
    const objectId = unique('obj');
    const scopes = [{ scope_level0: [t] }];
    const member = await createDialog(server, {
      object_id: objectId,
      title: 'Test Dialog',
      participants: [person(u)],
      access_scopes: scopes,
    });
    const archived = await createDialog(server, {
      object_id: objectId,
      title: 'Archived one',
      participants: [person(u)],
      access_scopes: scopes,
    });
    const joinable = await createDialog(server, {
      object_id: objectId,
      title: 'Open',
      participants: [person(unique('m'))],
      access_scopes: scopes,
    });
    const foreign = await createDialog(server, {
      object_id: objectId,
      participants: [person(unique('m'))],
      access_scopes: [{ scope_level0: ['x'] }],
    });
    const api = await chatUser(server, u, { scope_level0: [t] });
    expect((await api.post(`/api/v1/dialogs/${archived.id}/archive`)).status).toBe(200);
    const list = async (q = '') => (await api.get(`/api/v1/dialogs/by-object/order/${objectId}/list${q}`)).body.data;
    return { u, api, member, archived, joinable, foreign, list };
  }

  it('returns member and joinable dialogs, flat and newest first (scenario 10)', async () => {
    const { member, archived, joinable, list } = await objectWithThree();
    const items = await list();
    expect(idsOf(items)).toEqual([joinable.id, archived.id, member.id]);
    const m = items.find((d: any) => d.id === member.id);
    const j = items.find((d: any) => d.id === joinable.id);
    expect(m).toMatchObject({
      i_am_participant: true,
      can_join: false,
      unread_count: 0,
      is_archived: false,
      is_pinned: false,
      notifications_enabled: true,
    });
    expect(j).toMatchObject({ i_am_participant: false, can_join: true });
    for (const key of ['unread_count', 'is_archived', 'is_pinned', 'notifications_enabled', 'last_message'])
      expect(j).not.toHaveProperty(key);
    expect(Object.keys(j)).toEqual(AVAILABLE_KEYS);
  });

  it('filters archived in the member branch only (scenario 11)', async () => {
    const { member, archived, joinable, list } = await objectWithThree();
    expect(idsOf(await list('?archived=true'))).toEqual([joinable.id, archived.id]);
    expect(idsOf(await list('?archived=false'))).toEqual([joinable.id, member.id]);
    expect(idsOf(await list('?type=available&archived=true'))).toEqual([joinable.id]);
  });

  it('filters by type (scenario 12)', async () => {
    const { api, member, archived, joinable, list, foreign } = await objectWithThree();
    expect(idsOf(await list('?type=participating'))).toEqual([archived.id, member.id]);
    expect(idsOf(await list('?type=available'))).toEqual([joinable.id]);
    const bad = await api.get(`/api/v1/dialogs/by-object/order/${foreign.object_id}/list?type=bogus`);
    expectError(bad, 400, 'BAD_REQUEST');
    expect(bad.body.error.message).toBe('Invalid type parameter');
  });

  it('shows members the last message and everyone the participants (scenarios 13 and 14)', async () => {
    const { u, api, member, joinable, list } = await objectWithThree();
    const msg = await send(api, member.id, 'hello world');
    const mine = (await list()).find((d: any) => d.id === member.id);
    expect(mine.last_message).toMatchObject({ id: msg.id, content: 'hello world', message_type: 'user', sender_id: u });
    expect(mine.participants.map((p: any) => p.user_id)).toContain(u);
    const open = (await list()).find((d: any) => d.id === joinable.id);
    expect(open).not.toHaveProperty('last_message');
    expect(open.participants).toHaveLength(1);
  });

  it('searches (scenario 16)', async () => {
    const { member, list } = await objectWithThree();
    expect(idsOf(await list('?search=test'))).toEqual([member.id]);
    expect(idsOf(await list('?search=zzzz-nothing'))).toEqual([]);
  });

  it('shows nothing to a stranger', async () => {
    const { foreign } = await objectWithThree();
    const res = await (await chatUser(server, unique('s'))).get(`/api/v1/dialogs/by-object/order/${foreign.object_id}/list`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('lists the participating dialogs with last message and participants (scenario 15)', async () => {
    const u = unique('pinger');
    const d = await createDialog(server, { participants: [person(u)] });
    const api = await chatUser(server, u);
    await send(api, d.id, 'ping');
    const [item] = (await api.get('/api/v1/dialogs')).body.data;
    expect(item.last_message.content).toBe('ping');
    expect(item.participants.map((p: any) => p.user_id)).toContain(u);
  });
});
