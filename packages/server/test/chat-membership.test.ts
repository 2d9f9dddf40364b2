/**
 * Chat API membership routes over HTTP: join and leave (with their system messages), per-user flags
 * (archive, pin, notifications) and the participant list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { chatUser, idsOf, PARTICIPANT_KEYS, randomUuid, unique } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('join', () => {
  async function joinable() {
    const t = unique('t');
    const member = unique('member');
    const d = await createDialog(server, { participants: [person(member)], access_scopes: [{ scope_level0: [t] }] });
    return { d, t, member, memberApi: await chatUser(server, member) };
  }
  const profile = { display_name: 'Zed', company: 'Acme', email: 'zed@example.com', phone: '+1 555' };

  it('joins with a matching scope: bare status body, system message, then listed (scenario 17)', async () => {
    const { d, t, memberApi } = await joinable();
    const u = unique('joiner');
    const api = await chatUser(server, u, { scope_level0: [t] });
    const res = await api.post(`/api/v1/dialogs/${d.id}/join`, profile);
    expect(res.status).toBe(200);
    expect(res.text).toBe(`{"dialog_id":"${d.id}","status":"joined"}`);
    expect(idsOf((await api.get('/api/v1/dialogs')).body.data)).toContain(d.id);
    const page = (await memberApi.get(`/api/v1/dialogs/${d.id}/messages`)).body.data.messages;
    const last = page.at(-1);
    expect(last).toMatchObject({ sender_id: null, message_type: 'system' });
    expect(last.content).toBe('{"company":"Acme","event":"participant_joined","name":"Zed"}');
    const me = (await memberApi.get(`/api/v1/dialogs/${d.id}/participants`)).body.data.find((p: any) => p.user_id === u);
    expect(me).toMatchObject({ joined_as: 'joined', display_name: 'Zed', company: 'Acme', email: 'zed@example.com', phone: '+1 555' });
  });

  it('accepts an empty company and keeps it in the system message', async () => {
    const { d, t, memberApi } = await joinable();
    const api = await chatUser(server, unique('nocompany'), { scope_level0: [t] });
    expect((await api.post(`/api/v1/dialogs/${d.id}/join`, { display_name: 'Nobody', company: '' })).status).toBe(200);
    const last = (await memberApi.get(`/api/v1/dialogs/${d.id}/messages`)).body.data.messages.at(-1);
    expect(last.content).toBe('{"company":"","event":"participant_joined","name":"Nobody"}');
  });

  it('refuses a second join with 400 BAD_REQUEST (scenario 19)', async () => {
    const { d, t } = await joinable();
    const api = await chatUser(server, unique('twice'), { scope_level0: [t] });
    expect((await api.post(`/api/v1/dialogs/${d.id}/join`, profile)).status).toBe(200);
    const again = await api.post(`/api/v1/dialogs/${d.id}/join`, profile);
    expectError(again, 400, 'BAD_REQUEST');
    expect(again.body.error.message).toBe('Already a participant');
  });

  it('answers a stranger as for a missing dialog (scenario 18, tightened from 403)', async () => {
    const { d } = await joinable();
    const api = await chatUser(server, unique('intruder'), { scope_level0: ['another-tenant'] });
    const existing = await api.post(`/api/v1/dialogs/${d.id}/join`, profile);
    expectError(existing, 404, 'DIALOG_NOT_FOUND');
    expect(existing.text).toBe((await api.post(`/api/v1/dialogs/${randomUuid()}/join`, profile)).text);
  });

  it('requires the scope header', async () => {
    const { d } = await joinable();
    const res = await (await chatUser(server, unique('headless'))).post(`/api/v1/dialogs/${d.id}/join`, profile);
    expectError(res, 400, 'BAD_REQUEST');
    expect(res.body.error.message).toBe('X-Scope-Config header required');
  });

  it('validates the profile with 400 INVALID_INPUT, counting bytes, and joins nobody', async () => {
    const { d, t, memberApi } = await joinable();
    const u = unique('invalid');
    const api = await chatUser(server, u, { scope_level0: [t] });
    const bad = [
      { display_name: '   ', company: 'x' },
      { display_name: 'é'.repeat(101), company: 'x' },
      { display_name: 'ok', company: 'é'.repeat(101) },
      { display_name: 'ok', company: 'x', email: 'e'.repeat(255) },
      { display_name: 'ok', company: 'x', phone: '1'.repeat(51) },
      { display_name: 'ok' },
      { company: 'x' },
    ];
    for (const body of bad) expectError(await api.post(`/api/v1/dialogs/${d.id}/join`, body), 400, 'INVALID_INPUT');
    const ids = (await memberApi.get(`/api/v1/dialogs/${d.id}/participants`)).body.data.map((p: any) => p.user_id);
    expect(ids).not.toContain(u);
    // At the limits exactly: accepted.
    const limits = { display_name: 'é'.repeat(100), company: 'é'.repeat(100), email: 'e'.repeat(254), phone: '1'.repeat(50) };
    expect((await api.post(`/api/v1/dialogs/${d.id}/join`, limits)).status).toBe(200);
  });
});

describe('leave', () => {
  it('leaves: bare status, a participant_left system message, then no longer listed (scenario 20)', async () => {
    const [u, peer] = [unique('leaver'), unique('stayer')];
    const d = await createDialog(server, { participants: [person(u), person(peer)] });
    const api = await chatUser(server, u);
    const res = await api.post(`/api/v1/dialogs/${d.id}/leave`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":"left"}');
    expect(idsOf((await api.get('/api/v1/dialogs')).body.data)).not.toContain(d.id);
    const peerApi = await chatUser(server, peer);
    const last = (await peerApi.get(`/api/v1/dialogs/${d.id}/messages`)).body.data.messages.at(-1);
    expect(last).toMatchObject({
      message_type: 'system',
      sender_id: null,
      content: `{"event":"participant_left","name":"${u.toUpperCase()}"}`,
    });
    expect((await peerApi.get(`/api/v1/dialogs/${d.id}/participants`)).body.data.map((p: any) => p.user_id)).toEqual([peer]);
    // Having left, the user is a stranger: leaving again looks like a missing dialog.
    expectError(await api.post(`/api/v1/dialogs/${d.id}/leave`), 404, 'DIALOG_NOT_FOUND');
  });

  it('refuses a non-participant: 403 for a potential participant, 404 for a stranger', async () => {
    const t = unique('t');
    const member = unique('m');
    const d = await createDialog(server, { participants: [person(member)], access_scopes: [{ scope_level0: [t] }] });
    expectError(
      await (await chatUser(server, unique('p'), { scope_level0: [t] })).post(`/api/v1/dialogs/${d.id}/leave`),
      403,
      'NOT_PARTICIPANT',
    );
    const stranger = await chatUser(server, unique('s'));
    const res = await stranger.post(`/api/v1/dialogs/${d.id}/leave`);
    expectError(res, 404, 'DIALOG_NOT_FOUND');
    expect(res.text).toBe((await stranger.post(`/api/v1/dialogs/${randomUuid()}/leave`)).text);
    const page = (await (await chatUser(server, member)).get(`/api/v1/dialogs/${d.id}/messages`)).body.data.messages;
    expect(page.map((m: any) => m.content).join()).not.toContain('participant_left');
  });
});

describe('archive, pin, notifications', () => {
  const cases: Array<[string, unknown, string, string, unknown]> = [
    ['archive', undefined, '{"status":"archived"}', 'is_archived', true],
    ['unarchive', undefined, '{"status":"unarchived"}', 'is_archived', false],
    ['pin', undefined, '{"status":"pinned"}', 'is_pinned', true],
    ['unpin', undefined, '{"status":"unpinned"}', 'is_pinned', false],
    ['notifications', { enabled: false }, '{"status":"disabled"}', 'notifications_enabled', false],
    ['notifications', { enabled: true }, '{"status":"enabled"}', 'notifications_enabled', true],
  ];

  it('set the caller’s own flags: bare status bodies, idempotent, visible in the list', async () => {
    const [u, peer] = [unique('flagger'), unique('peer')];
    const d = await createDialog(server, { participants: [person(u), person(peer)] });
    const api = await chatUser(server, u);
    const peerApi = await chatUser(server, peer);
    for (const [verb, body, text, field, value] of cases) {
      for (let i = 0; i < 2; i++) {
        const res = await api.post(`/api/v1/dialogs/${d.id}/${verb}`, body);
        expect(res.status, `${verb} ${JSON.stringify(body)}`).toBe(200);
        expect(res.text).toBe(text);
      }
      const [item] = (await api.get('/api/v1/dialogs')).body.data;
      expect(item[field], `${verb} -> ${field}`).toBe(value);
      // Only the caller's flag changes.
      const [peerItem] = (await peerApi.get('/api/v1/dialogs')).body.data;
      expect(peerItem[field]).toBe(field === 'notifications_enabled');
      const row = (await api.get(`/api/v1/dialogs/${d.id}/participants`)).body.data.find((p: any) => p.user_id === u);
      expect(row[field]).toBe(value);
    }
  });

  it('answer 403 NOT_PARTICIPANT to everyone else, including for a missing dialog', async () => {
    const t = unique('t');
    const d = await createDialog(server, { participants: [person(unique('m'))], access_scopes: [{ scope_level0: [t] }] });
    const potential = await chatUser(server, unique('p'), { scope_level0: [t] });
    const stranger = await chatUser(server, unique('s'));
    for (const [verb, body] of cases.map(([v, b]) => [v, b] as const)) {
      for (const [api, id] of [
        [potential, d.id],
        [stranger, d.id],
        [stranger, randomUuid()],
      ] as const) {
        expectError(await api.post(`/api/v1/dialogs/${id}/${verb}`, body), 403, 'NOT_PARTICIPANT');
      }
    }
  });

  it('validates the notifications body', async () => {
    const u = unique('n');
    const d = await createDialog(server, { participants: [person(u)] });
    const api = await chatUser(server, u);
    expectError(await api.post(`/api/v1/dialogs/${d.id}/notifications`, { enabled: 'no' }), 400, 'INVALID_INPUT');
    expectError(await api.post(`/api/v1/dialogs/${d.id}/notifications`, {}), 400, 'INVALID_INPUT');
  });
});

describe('participants', () => {
  it('lists participants in join order, with is_online, contacts for members', async () => {
    const t = unique('t');
    const [a, b, c, joiner] = [unique('a'), unique('b'), unique('c'), unique('j')];
    const d = await createDialog(server, {
      participants: [person(a, { email: 'a@x.io', phone: '1' }), person(b, { company: 'Beta' })],
      access_scopes: [{ scope_level0: [t] }],
    });
    expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(c, { email: 'c@x.io' }))).status).toBe(201);
    expect(
      (
        await (
          await chatUser(server, joiner, { scope_level0: [t] })
        ).post(`/api/v1/dialogs/${d.id}/join`, { display_name: 'J', company: 'Jco', phone: '9' })
      ).status,
    ).toBe(200);
    const res = await (await chatUser(server, a)).get(`/api/v1/dialogs/${d.id}/participants`);
    expect(res.status).toBe(200);
    const rows = res.body.data;
    const first2 = [a, b].sort();
    expect(rows.map((p: any) => p.user_id)).toEqual([...first2, c, joiner]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(PARTICIPANT_KEYS);
      expect(typeof row.is_online).toBe('boolean');
      expect(row.dialog_id).toBe(d.id);
    }
    const byId = Object.fromEntries(rows.map((p: any) => [p.user_id, p]));
    expect(byId[a]).toMatchObject({ joined_as: 'participant', email: 'a@x.io', phone: '1', company: null });
    expect(byId[c]).toMatchObject({ joined_as: 'participant', email: 'c@x.io' });
    expect(byId[joiner]).toMatchObject({ joined_as: 'joined', display_name: 'J', company: 'Jco', phone: '9' });
    const joinedAt = rows.map((p: any) => Date.parse(p.joined_at));
    expect([...joinedAt].sort((x, y) => x - y)).toEqual(joinedAt);
  });

  it('hides email and phone from a potential participant, and refuses a stranger with 403', async () => {
    const t = unique('t');
    const a = unique('a');
    const d = await createDialog(server, {
      participants: [person(a, { email: 'a@x.io', phone: '1', company: 'Acme' })],
      access_scopes: [{ scope_level0: [t] }],
    });
    const res = await (await chatUser(server, unique('p'), { scope_level0: [t] })).get(`/api/v1/dialogs/${d.id}/participants`);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(Object.keys(res.body.data[0])).toEqual(PARTICIPANT_KEYS);
    expect(res.body.data[0]).toMatchObject({ user_id: a, display_name: a.toUpperCase(), company: 'Acme', email: null, phone: null });
    for (const stranger of [await chatUser(server, unique('s')), await chatUser(server, unique('s'), { scope_level0: ['other'] })]) {
      const existing = await stranger.get(`/api/v1/dialogs/${d.id}/participants`);
      expectError(existing, 403, 'FORBIDDEN');
      expect(existing.text).toBe((await stranger.get(`/api/v1/dialogs/${randomUuid()}/participants`)).text);
    }
  });
});
