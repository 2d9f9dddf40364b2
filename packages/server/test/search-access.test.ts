/**
 * Who finds what with message search (docs/search.md): participants only (not a user who may join, not one who
 * left, not a participant whose scope names another tenant), deleted and edited messages, system messages; the
 * Management API's search of every dialog; snippets that stay safe whatever HTML a message holds.
 */
import sanitizeHtml from 'sanitize-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeContent } from '../src/security/sanitize.js';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { found, search, searchPath, word } from './support/search.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const MANAGEMENT = '/api/v1/management/messages/search';

/** A dialog of one tenant with two participants, and a message of the first holding `w`. */
async function scene(w: string) {
  const tenant = unique('tenant');
  const [a, b] = [unique('a'), unique('b')];
  const d = await createDialog(server, { participants: [person(a), person(b)], access_scopes: [{ scope_level0: [tenant] }] });
  const apiA = (await chatUser(server, a)).withScope({ scope_level0: [tenant] });
  const apiB = (await chatUser(server, b)).withScope({ scope_level0: [tenant] });
  const msg = await send(apiA, d.id, `the ${w} is here`);
  return { tenant, dialogId: d.id, a, b, apiA, apiB, msg };
}

describe('who finds a message', () => {
  it('participants do; strangers and users who may join but have not do not, even naming the dialog', async () => {
    const w = word();
    const s = await scene(w);
    expect(await found(s.apiB, w)).toEqual([s.msg.id]);
    const potential = (await chatUser(server, unique('potential'))).withScope({ scope_level0: [s.tenant] });
    expect((await potential.get(`/api/v1/dialogs/${s.dialogId}`)).status).toBe(200);
    expect(await found(potential, w)).toEqual([]);
    expect(await found(potential, w, { dialog_id: s.dialogId })).toEqual([]);
    const stranger = await chatUser(server, unique('stranger'));
    expect(await found(stranger, w, { dialog_id: s.dialogId })).toEqual([]);
    // Once joined, the same user finds it.
    expect((await potential.post(`/api/v1/dialogs/${s.dialogId}/join`, { display_name: 'Joiner', company: 'Co' })).status).toBe(200);
    expect(await found(potential, w)).toEqual([s.msg.id]);
  });

  it('a participant whose scope names another tenant does not (as in the dialog list)', async () => {
    const w = word();
    const s = await scene(w);
    const elsewhere = (await chatUser(server, s.b)).withScope({ scope_level0: [`${s.tenant}-other`] });
    expect(await found(elsewhere, w)).toEqual([]);
  });

  it('a user who left no longer finds the messages of the dialog', async () => {
    const w = word();
    const s = await scene(w);
    expect((await s.apiB.post(`/api/v1/dialogs/${s.dialogId}/leave`)).status).toBe(200);
    expect(await found(s.apiB, w)).toEqual([]);
    expect(await found(s.apiA, w)).toEqual([s.msg.id]);
  });

  it('a deleted message never matches, for anyone', async () => {
    const w = word();
    const s = await scene(w);
    expect((await s.apiA.delete(`/api/v1/dialogs/${s.dialogId}/messages/${s.msg.id}`)).status).toBe(204);
    expect(await found(s.apiB, w)).toEqual([]);
    expect(await found(server.admin, w, {}, MANAGEMENT)).toEqual([]);
  });

  it('an edited message matches its current text only', async () => {
    const [before, after] = [word(), word()];
    const s = await scene(before);
    const res = await s.apiA.put(`/api/v1/dialogs/${s.dialogId}/messages/${s.msg.id}`, { content: `now about ${after}` });
    expect(res.status, res.text).toBe(200);
    expect(await found(s.apiB, before)).toEqual([]);
    const hits = (await search(s.apiB, { q: after })).hits;
    expect(hits.map((h) => h.message.id)).toEqual([s.msg.id]);
    expect(hits[0].message.content).toBe(`now about ${after}`);
    expect(hits[0].message.last_edited_at).not.toBeNull();
  });

  it("system messages are searchable like people's", async () => {
    const name = word();
    const member = unique('member');
    const d = await createDialog(server, { participants: [{ user_id: member, display_name: name }, person(unique('peer'))] });
    const hits = (await search(await chatUser(server, member), { q: name })).hits;
    expect(hits.map((h) => [h.message.dialog_id, h.message.message_type, h.message.sender_id])).toEqual([[d.id, 'system', null]]);
    expect(hits[0].snippet).toContain(`<mark>${name}</mark>`);
  });
});

describe('Management API search', () => {
  it('needs the admin token', async () => {
    expectError(await server.anon().get(searchPath({ q: 'x' }, MANAGEMENT)), 401, 'UNAUTHORIZED');
    expectError(
      await server
        .anon()
        .with({ authorization: 'Bearer not-the-admin-token' })
        .get(searchPath({ q: 'x' }, MANAGEMENT)),
      403,
      'FORBIDDEN',
    );
    const user = await chatUser(server, unique('user'));
    expectError(await user.get(searchPath({ q: 'x' }, MANAGEMENT)), 403, 'FORBIDDEN');
  });

  it('searches every dialog, with the same filters and paging', async () => {
    const w = word();
    const one = await scene(w);
    const two = await scene(w);
    const reply = await send(two.apiB, two.dialogId, `${w} again`);
    expect((await found(server.admin, w, {}, MANAGEMENT)).sort()).toEqual([one.msg.id, two.msg.id, reply.id].sort());
    expect(await found(server.admin, w, { dialog_id: one.dialogId }, MANAGEMENT)).toEqual([one.msg.id]);
    expect(await found(server.admin, w, { sender_id: two.b }, MANAGEMENT)).toEqual([reply.id]);
    const first = await search(server.admin, { q: w, limit: 2 }, MANAGEMENT);
    const rest = await search(server.admin, { q: w, limit: 2, cursor: first.next_cursor! }, MANAGEMENT);
    expect([...first.hits, ...rest.hits].map((h) => h.message.id)).toEqual([reply.id, two.msg.id, one.msg.id]);
    expect(rest.next_cursor).toBeNull();
  });
});

describe('OpenAPI', () => {
  it('describes both search routes, their parameters and their answer, from the validating schemas', async () => {
    const doc = (await server.anon().get('/api/v1/openapi.json')).body;
    for (const [path, scheme] of [
      ['/api/v1/messages/search', 'bearer'],
      [MANAGEMENT, 'adminToken'],
    ] as const) {
      const op = doc.paths[path]?.get;
      expect(op, path).toBeDefined();
      expect(op.security).toEqual([{ [scheme]: [] }]);
      const params = Object.fromEntries(op.parameters.map((p: any) => [p.name, p]));
      expect(Object.keys(params).sort()).toEqual([
        'after',
        'before',
        'cursor',
        'dialog_id',
        'has',
        'limit',
        'object_type',
        'order',
        'q',
        'sender_id',
      ]);
      expect(params.q.required).toBe(true);
      expect(params.order.schema.enum).toEqual(['relevance', 'newest']);
      const answer = op.responses['200'].content['application/json'].schema.properties.data;
      expect(Object.keys(answer.properties)).toEqual(['hits', 'next_cursor']);
      expect(Object.keys(answer.properties.hits.items.properties)).toEqual(['message', 'dialog', 'snippet', 'rank']);
    }
  });
});

describe('snippets', () => {
  const SNIPPET_POLICY = { allowedTags: ['mark'], allowedAttributes: {} };
  const hostile = (w: string) => [
    `<img src=x onerror=alert(1)> ${w}`,
    `&lt;script&gt;alert(1)&lt;/script&gt; ${w}`,
    `<a href="javascript:alert(1)">${w}</a>`,
    `${w} <mark onclick="alert(1)">x</mark>`,
    `${w} \uE000</mark><script>alert(1)</script>\uE001`,
    `<<script>script>alert(1)<</script>/script> ${w}`,
    `"><svg onload=alert(1)> ${w} '--><!--`,
    `${w} &amp;lt;b&amp;gt; &lt;/mark&gt;&lt;img src=x onerror=alert(1)&gt;`,
    `<p title="${w}">${w}</p><style>*{}</style><iframe src="//evil"></iframe>`,
    `${w} <code>&lt;b&gt;</code> <span data-x="&quot;&gt;&lt;img&quot;">t</span>`,
  ];

  it('hold no markup but <mark> around the matches, whatever the message HTML', async () => {
    const w = word();
    const s = await scene(word());
    for (const html of hostile(w)) await send(s.apiA, s.dialogId, html);
    const hits = (await search(s.apiB, { q: w, limit: 100 })).hits;
    expect(hits).toHaveLength(hostile(w).length);
    for (const h of hits) {
      const label = `${h.message.content} -> ${h.snippet}`;
      expect(h.snippet, label).toContain(`<mark>${w}</mark>`);
      expect(sanitizeHtml(h.snippet, SNIPPET_POLICY), label).toBe(h.snippet);
      const text = h.snippet.replace(/<\/?mark>/g, '');
      expect(text, label).not.toMatch(/[<>\uE000\uE001]/);
      expect(sanitizeContent(text), label).toBe(text);
    }
  });
});
