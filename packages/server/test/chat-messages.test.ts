/**
 * Chat API message routes over HTTP: pages (latest, before, after, around), send (limits, replies, idempotency),
 * one message, edit (history kept), delete, auto-unarchive, read positions and unread counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/api.js';
import { chatUser, MESSAGE_KEYS, randomUuid, send, unique } from './support/chat.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

/** A dialog without system messages: participants added by the Management API one by one. */
async function dialogWith(...users: string[]): Promise<{ id: string; object_id: string; apis: Api[] }> {
  const d = await createDialog(server);
  for (const u of users) {
    expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(u))).status).toBe(201);
  }
  return { ...d, apis: await Promise.all(users.map((u) => chatUser(server, u))) };
}

const messagesPath = (dialogId: string, q = '') => `/api/v1/dialogs/${dialogId}/messages${q}`;

describe('message pages', () => {
  let alice: Api;
  let bob: Api;
  let dialogId: string;
  /** m[1]..m[25], oldest first (m[0] unused). */
  const m: string[] = [''];

  beforeAll(async () => {
    const d = await dialogWith(unique('alice'), unique('bob'));
    [alice, bob] = d.apis as [Api, Api];
    dialogId = d.id;
    for (let i = 1; i <= 25; i++) m.push((await send(alice, dialogId, `message ${i}`)).id);
  });

  const page = async (api: Api, q: string) => {
    const res = await api.get(messagesPath(dialogId, q));
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => m[from + i]);

  it('latest: the newest messages in ascending order', async () => {
    const p = await page(bob, '?limit=10');
    expect(p.messages.map((x: any) => x.id)).toEqual(range(16, 25));
    expect(p.messages.map((x: any) => x.content)).toEqual(range(16, 25).map((_, i) => `message ${16 + i}`));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: false });
    expect(Object.keys(p)).toEqual(['messages', 'first_unread_message_id', 'has_more_before', 'has_more_after']);
    expect(Object.keys(p.messages[0])).toEqual(MESSAGE_KEYS);
    const all = await page(bob, '');
    expect(all.messages).toHaveLength(25);
    expect(all.has_more_before).toBe(false);
    expect((await page(bob, '?limit=25')).has_more_before).toBe(false);
  });

  it('before: the newest messages older than the cursor', async () => {
    let p = await page(bob, `?limit=10&before=${m[11]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(1, 10));
    expect(p).toMatchObject({ has_more_before: false, has_more_after: false });
    p = await page(bob, `?limit=10&before=${m[12]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(2, 11));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: false });
    p = await page(bob, `?limit=10&before=${m[1]}`);
    expect(p.messages).toEqual([]);
    expect(p.has_more_before).toBe(false);
  });

  it('after: the oldest messages newer than the cursor', async () => {
    let p = await page(bob, `?limit=10&after=${m[5]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(6, 15));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: true });
    p = await page(bob, `?limit=10&after=${m[15]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(16, 25));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: false });
    p = await page(bob, `?limit=10&after=${m[25]}`);
    expect(p.messages).toEqual([]);
    expect(p.has_more_after).toBe(false);
  });

  it('around: half before the cursor, the cursor and half after', async () => {
    let p = await page(bob, `?limit=10&around=${m[13]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(8, 18));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: true });
    expect(p).not.toHaveProperty('first_unread_message_id');
    p = await page(bob, `?limit=10&around=${m[3]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(1, 8));
    expect(p).toMatchObject({ has_more_before: false, has_more_after: true });
    p = await page(bob, `?limit=10&around=${m[22]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(17, 25));
    expect(p).toMatchObject({ has_more_before: true, has_more_after: false });
    // around wins over after and before.
    p = await page(bob, `?limit=4&around=${m[10]}&after=${m[20]}&before=${m[2]}`);
    expect(p.messages.map((x: any) => x.id)).toEqual(range(8, 12));
  });

  it('limit=0 gives an empty page that has more before', async () => {
    const p = await page(bob, '?limit=0');
    expect(p).toEqual({ messages: [], has_more_before: true, has_more_after: false });
  });

  it('rejects malformed cursors and limits', async () => {
    for (const q of ['?before=nope', '?after=1', '?around=x', '?limit=-1', '?limit=abc']) {
      expectError(await bob.get(messagesPath(dialogId, q)), 400, 'INVALID_INPUT');
    }
  });

  it('first_unread_message_id follows the read position', async () => {
    // Bob has never read: the first message of each page.
    expect((await page(bob, '?limit=10')).first_unread_message_id).toBe(m[16]);
    expect((await page(bob, `?limit=5&before=${m[6]}`)).first_unread_message_id).toBe(m[1]);
    // Alice's own sends moved her position to the end: nothing unread.
    expect(await page(alice, '?limit=10')).not.toHaveProperty('first_unread_message_id');
    const readerId = unique('reader');
    expect((await server.admin.post(`/api/v1/management/dialogs/${dialogId}/participants`, person(readerId))).status).toBe(201);
    const reader = await chatUser(server, readerId);
    expect((await reader.post(`/api/v1/dialogs/${dialogId}/read`, { last_read_message_id: m[20] })).status).toBe(200);
    expect((await page(reader, '?limit=10')).first_unread_message_id).toBe(m[21]);
    expect(await page(reader, `?limit=10&after=${m[2]}`)).not.toHaveProperty('first_unread_message_id');
    expect((await page(reader, `?limit=10&after=${m[15]}`)).first_unread_message_id).toBe(m[21]);
  });
});

describe('send', () => {
  it('returns the message in MTChat shape; empty content is allowed', async () => {
    const u = unique('sender');
    const d = await dialogWith(u);
    const [api] = d.apis as [Api];
    const res = await api.post(messagesPath(d.id), { content: 'hi' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(Object.keys(res.body.data)).toEqual(MESSAGE_KEYS);
    expect(res.body.data).toMatchObject({
      dialog_id: d.id,
      sender_id: u,
      content: 'hi',
      last_edited_at: null,
      reply_to_id: null,
      message_type: 'user',
    });
    expect(res.body.data.sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const empty = await send(api, d.id, '');
    expect(empty.content).toBe('');
    expectError(await api.post(messagesPath(d.id), {}), 400, 'INVALID_INPUT');
    expectError(await api.post(messagesPath(d.id), { content: 5 }), 400, 'INVALID_INPUT');
  });

  it('limits content to 50,000 UTF-8 bytes', async () => {
    const d = await dialogWith(unique('long'));
    const [api] = d.apis as [Api];
    expect((await send(api, d.id, 'a'.repeat(50_000))).content).toHaveLength(50_000);
    expect((await send(api, d.id, 'é'.repeat(25_000))).content).toBe('é'.repeat(25_000));
    const cases = ['a'.repeat(50_001), 'é'.repeat(25_001), '😀'.repeat(12_501), 'a'.repeat(49_999) + 'é'];
    for (const content of cases) {
      const res = await api.post(messagesPath(d.id), { content });
      expectError(res, 400, 'INVALID_INPUT');
      expect(res.body.error.message).toContain('50000');
    }
    // Nothing over the limit was stored.
    expect((await api.get(messagesPath(d.id))).body.data.messages).toHaveLength(2);
  });

  it('accepts a reply into the same dialog only', async () => {
    const d = await dialogWith(unique('replier'));
    const other = await dialogWith(unique('elsewhere'));
    const [api] = d.apis as [Api];
    const target = await send(api, d.id, 'question');
    const reply = await send(api, d.id, 'answer', { reply_to: target.id });
    expect(reply.reply_to_id).toBe(target.id);
    expect((await send(api, d.id, 'no reply', { reply_to: null })).reply_to_id).toBeNull();
    const foreign = await send(other.apis[0]!, other.id, 'not yours');
    for (const replyTo of [foreign.id, randomUuid()]) {
      expectError(await api.post(messagesPath(d.id), { content: 'x', reply_to: replyTo }), 400, 'INVALID_INPUT');
    }
    expectError(await api.post(messagesPath(d.id), { content: 'x', reply_to: 'not-a-uuid' }), 400, 'INVALID_INPUT');
    // Deleting the target clears the reply link.
    expect((await api.delete(`${messagesPath(d.id)}/${target.id}`)).status).toBe(204);
    expect((await api.get(`${messagesPath(d.id)}/${reply.id}`)).body.data.reply_to_id).toBeNull();
  });

  it('is idempotent with client_message_id: a retry returns the original', async () => {
    const [u, v] = [unique('retry'), unique('other')];
    const d = await dialogWith(u, v);
    const [api, otherApi] = d.apis as [Api, Api];
    const first = await send(api, d.id, 'once', { client_message_id: 'c-1' });
    const again = await send(api, d.id, 'once', { client_message_id: 'c-1' });
    expect(again).toEqual(first);
    // Even with different content, the stored original comes back.
    expect(await send(api, d.id, 'changed', { client_message_id: 'c-1' })).toEqual(first);
    const second = await send(api, d.id, 'twice', { client_message_id: 'c-2' });
    expect(second.id).not.toBe(first.id);
    // Another sender's id space is separate.
    const theirs = await send(otherApi, d.id, 'theirs', { client_message_id: 'c-1' });
    expect(theirs.id).not.toBe(first.id);
    const contents = (await api.get(messagesPath(d.id))).body.data.messages.map((x: any) => x.content);
    expect(contents).toEqual(['once', 'twice', 'theirs']);
    // The retry did not count as a new message for the other participant.
    const [item] = (await otherApi.get('/api/v1/dialogs')).body.data;
    expect(item.unread_count).toBe(0);
    const [mine] = (await api.get('/api/v1/dialogs')).body.data;
    expect(mine.unread_count).toBe(1);
  });

  it('stores one message under 10 concurrent identical requests', async () => {
    const d = await dialogWith(unique('racer'));
    const [api] = d.apis as [Api];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.post(messagesPath(d.id), { content: 'race', client_message_id: 'same' })),
    );
    for (const r of results) expect(r.status, r.text).toBe(200);
    const ids = new Set(results.map((r) => r.body.data.id));
    expect(ids.size).toBe(1);
    const rows = await server.built.services.db.kysely.selectFrom('messages').select('id').where('dialog_id', '=', d.id).execute();
    expect(rows.map((r) => r.id)).toEqual([...ids]);
  });

  it('brings the dialog back for everyone who archived it', async () => {
    const [u, v] = [unique('archiver'), unique('writer')];
    const d = await dialogWith(u, v);
    const [archiver, writer] = d.apis as [Api, Api];
    expect((await archiver.post(`/api/v1/dialogs/${d.id}/archive`)).status).toBe(200);
    expect((await writer.post(`/api/v1/dialogs/${d.id}/archive`)).status).toBe(200);
    expect((await archiver.get('/api/v1/dialogs?archived=true')).body.data.map((x: any) => x.id)).toEqual([d.id]);
    await send(writer, d.id, 'wake up');
    expect((await archiver.get('/api/v1/dialogs?archived=true')).body.data).toEqual([]);
    for (const api of [archiver, writer]) {
      const [item] = (await api.get('/api/v1/dialogs')).body.data;
      expect(item.is_archived).toBe(false);
    }
  });
});

describe('one message, edit, delete', () => {
  it('reads one message as a participant only', async () => {
    const t = unique('t');
    const author = unique('author');
    const d = await createDialog(server, { participants: [person(author)], access_scopes: [{ scope_level0: [t] }] });
    const other = await dialogWith(unique('o'));
    const api = await chatUser(server, author);
    const msg = await send(api, d.id, 'secret');
    const res = await api.get(`${messagesPath(d.id)}/${msg.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(msg);
    expectError(
      await (await chatUser(server, unique('p'), { scope_level0: [t] })).get(`${messagesPath(d.id)}/${msg.id}`),
      403,
      'FORBIDDEN',
    );
    const stranger = await chatUser(server, unique('s'));
    const hidden = await stranger.get(`${messagesPath(d.id)}/${msg.id}`);
    expectError(hidden, 404, 'MESSAGE_NOT_FOUND');
    expect(hidden.text).toBe((await stranger.get(`${messagesPath(randomUuid())}/${randomUuid()}`)).text);
    // A message of another dialog is not found through this one.
    const foreign = await send(other.apis[0]!, other.id, 'foreign');
    expectError(await api.get(`${messagesPath(d.id)}/${foreign.id}`), 404, 'MESSAGE_NOT_FOUND');
  });

  it('edits: author only, sanitized, last_edited_at set, history kept', async () => {
    const [u, v] = [unique('editor'), unique('peer')];
    const d = await createDialog(server, { participants: [person(u), person(v)] });
    const [api, peer] = [await chatUser(server, u), await chatUser(server, v)];
    const msg = await send(api, d.id, 'first');
    const path = `${messagesPath(d.id)}/${msg.id}`;
    expectError(await peer.put(path, { content: 'hijack' }), 403, 'NOT_MESSAGE_AUTHOR');
    const res = await api.put(path, { content: '<b>second</b><script>alert(1)</script><img src=x onerror=alert(2)>' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual(MESSAGE_KEYS);
    expect(res.body.data).toMatchObject({ id: msg.id, content: '<b>second</b>', sent_at: msg.sent_at, sender_id: u });
    expect(res.body.data.last_edited_at).toEqual(expect.any(String));
    expect((await api.put(path, { content: 'third' })).status).toBe(200);
    expect((await peer.get(path)).body.data.content).toBe('third');
    const history = await server.built.services.db.kysely
      .selectFrom('message_edit_history')
      .select(['old_content', 'edited_at'])
      .where('message_id', '=', msg.id)
      .orderBy('edited_at')
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.old_content)).toEqual(['first', '<b>second</b>']);
    expectError(await api.put(path, { content: 'x'.repeat(50_001) }), 400, 'INVALID_INPUT');
    expectError(await api.put(`${messagesPath(d.id)}/${randomUuid()}`, { content: 'x' }), 404, 'MESSAGE_NOT_FOUND');
    // The chat_created system message has no author: nobody can edit it.
    const system = (await api.get(messagesPath(d.id))).body.data.messages.find((x: any) => x.message_type === 'system');
    expectError(await api.put(`${messagesPath(d.id)}/${system.id}`, { content: 'forged' }), 403, 'NOT_MESSAGE_AUTHOR');
  });

  it('deletes: author only, 204, then gone; the dialog’s last message moves back', async () => {
    const [u, v] = [unique('deleter'), unique('peer')];
    const d = await dialogWith(u, v);
    const [api, peer] = d.apis as [Api, Api];
    const older = await send(api, d.id, 'older');
    const newer = await send(api, d.id, 'newer');
    const path = `${messagesPath(d.id)}/${newer.id}`;
    expect((await api.put(path, { content: 'edited newer' })).status).toBe(200);
    expectError(await peer.delete(path), 403, 'NOT_MESSAGE_AUTHOR');
    const res = await api.delete(path);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await api.get(path), 404, 'MESSAGE_NOT_FOUND');
    expectError(await api.delete(path), 404, 'MESSAGE_NOT_FOUND');
    const [item] = (await peer.get('/api/v1/dialogs')).body.data;
    expect(item.last_message).toMatchObject({ id: older.id, content: 'older' });
    expect(item.last_message_at).toBe(older.sent_at);
    const history = await server.built.services.db.kysely
      .selectFrom('message_edit_history')
      .select('id')
      .where('message_id', '=', newer.id)
      .execute();
    expect(history).toEqual([]);
    expect((await api.delete(`${messagesPath(d.id)}/${older.id}`)).status).toBe(204);
    const [empty] = (await peer.get('/api/v1/dialogs')).body.data;
    expect(empty).not.toHaveProperty('last_message');
    expect(empty).not.toHaveProperty('last_message_at');
  });
});

describe('read positions and unread counts', () => {
  it('read: bare body; the message must belong to the dialog; never moves backwards', async () => {
    const t = unique('t');
    const [u, v] = [unique('reader'), unique('writer')];
    const d = await createDialog(server, { access_scopes: [{ scope_level0: [t] }] });
    for (const x of [u, v])
      expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(x))).status).toBe(201);
    const [reader, writer] = [await chatUser(server, u), await chatUser(server, v)];
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await send(writer, d.id, `m${i}`));
    const other = await dialogWith(unique('o'));
    const foreign = await send(other.apis[0]!, other.id, 'foreign');
    const read = (api: Api, id: string, dialogId = d.id) => api.post(`/api/v1/dialogs/${dialogId}/read`, { last_read_message_id: id });
    const position = async () => {
      const rows = (await writer.get(`/api/v1/dialogs/${d.id}/participants`)).body.data;
      return rows.find((p: any) => p.user_id === u);
    };

    const ok = await read(reader, sent[2].id);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('{"success":true}');
    expect(await position()).toMatchObject({ last_read_message_id: sent[2].id, unread_count: 1 });
    expect((await read(reader, sent[0].id)).status).toBe(200);
    expect(await position()).toMatchObject({ last_read_message_id: sent[2].id, unread_count: 1 });
    expectError(await read(reader, foreign.id), 404, 'MESSAGE_NOT_FOUND');
    expectError(await read(reader, randomUuid()), 404, 'MESSAGE_NOT_FOUND');
    expect(await position()).toMatchObject({ last_read_message_id: sent[2].id, unread_count: 1 });
    expectError(await reader.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: 'nope' }), 400, 'INVALID_INPUT');
    expectError(await read(await chatUser(server, unique('p'), { scope_level0: [t] }), sent[3].id), 403, 'FORBIDDEN');
    const stranger = await chatUser(server, unique('s'));
    const hidden = await read(stranger, sent[3].id);
    expectError(hidden, 404, 'NOT_FOUND');
    expect(hidden.text).toBe((await read(stranger, sent[3].id, randomUuid())).text);
    expect((await read(reader, sent[3].id)).status).toBe(200);
    expect(await position()).toMatchObject({ last_read_message_id: sent[3].id, unread_count: 0 });
  });

  it('counts user messages after the read position, in the dialog list and the participant list', async () => {
    const t = unique('t');
    const names = { alice: unique('alice'), bob: unique('bob'), carol: unique('carol'), dave: unique('dave'), erin: unique('erin') };
    const d = await createDialog(server, {
      participants: [person(names.alice), person(names.bob)],
      access_scopes: [{ scope_level0: [t] }],
    });
    const api: Record<string, Api> = {};
    for (const [k, id] of Object.entries(names)) api[k] = await chatUser(server, id, { scope_level0: [t] });
    const sent: string[] = [];
    const say = (who: string) => async () => void sent.push((await send(api[who]!, d.id, `${who} ${sent.length}`)).id);
    const read = (who: string, index: number) => async () => {
      expect((await api[who]!.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: sent[index] })).status).toBe(200);
    };
    const join = (who: string) => async () => {
      expect((await api[who]!.post(`/api/v1/dialogs/${d.id}/join`, { display_name: who, company: '' })).status).toBe(200);
    };
    const add = (who: string) => async () => {
      expect(
        (await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person(names[who as keyof typeof names]))).status,
      ).toBe(201);
    };
    const leave = (who: string) => async () => void expect((await api[who]!.post(`/api/v1/dialogs/${d.id}/leave`)).status).toBe(200);
    const remove = (index: number) => async () => {
      expect((await api.alice!.delete(`/api/v1/dialogs/${d.id}/messages/${sent[index]}`)).status).toBe(204);
    };

    // [step, expected unread per current participant]; system messages (chat_created, joins, leaves) never count.
    const steps: Array<[string, () => Promise<void>, Record<string, number>]> = [
      ['start (management-created participants)', async () => {}, { alice: 0, bob: 0 }],
      ['alice sends', say('alice'), { alice: 0, bob: 1 }],
      ['alice sends again', say('alice'), { alice: 0, bob: 2 }],
      ['bob sends: his own send resets him', say('bob'), { alice: 1, bob: 0 }],
      ['carol joins: every earlier user message is unread', join('carol'), { alice: 1, bob: 0, carol: 3 }],
      ['dave is added by management: starts at 0', add('dave'), { alice: 1, bob: 0, carol: 3, dave: 0 }],
      ['alice reads bob’s message', read('alice', 2), { alice: 0, bob: 0, carol: 3, dave: 0 }],
      ['carol reads the first message', read('carol', 0), { alice: 0, bob: 0, carol: 2, dave: 0 }],
      ['bob sends', say('bob'), { alice: 1, bob: 0, carol: 3, dave: 1 }],
      ['carol reads backwards: ignored', read('carol', 0), { alice: 1, bob: 0, carol: 3, dave: 1 }],
      ['carol reads the latest', read('carol', 3), { alice: 1, bob: 0, carol: 0, dave: 1 }],
      ['dave leaves (system message only)', leave('dave'), { alice: 1, bob: 0, carol: 0 }],
      ['alice sends', say('alice'), { alice: 0, bob: 1, carol: 1 }],
      [
        'alice deletes her first message, then erin joins: only existing user messages are unread',
        remove(0),
        { alice: 0, bob: 1, carol: 1 },
      ],
      ['erin joins', join('erin'), { alice: 0, bob: 1, carol: 1, erin: 4 }],
      ['erin sends', say('erin'), { alice: 1, bob: 2, carol: 2, erin: 0 }],
    ];

    for (const [name, action, expected] of steps) {
      await action();
      const fromList: Record<string, number> = {};
      for (const who of Object.keys(expected)) {
        const item = (await api[who]!.get('/api/v1/dialogs')).body.data.find((x: any) => x.id === d.id);
        fromList[who] = item?.unread_count;
      }
      expect(fromList, `dialog list after: ${name}`).toEqual(expected);
      const rows = (await api.alice!.get(`/api/v1/dialogs/${d.id}/participants`)).body.data;
      const fromParticipants = Object.fromEntries(
        rows.map((p: any) => [Object.entries(names).find(([, id]) => id === p.user_id)![0], p.unread_count]),
      );
      expect(fromParticipants, `participant list after: ${name}`).toEqual(expected);
    }
  });
});
