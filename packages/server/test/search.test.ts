/**
 * Message search over HTTP (docs/search.md): hit shape and snippets, newest and relevance order, web-search syntax
 * (phrases, -exclusion, OR), prefix matching of the last word, every filter, keyset paging, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/api.js';
import { chatUser, MESSAGE_KEYS, send, unique } from './support/chat.js';
import { createDialog, expectError, person } from './support/fixtures.js';
import { text, upload } from './support/files.js';
import { allPages, found, search, searchPath, word } from './support/search.js';
import { seededRandom, testSeed } from './support/seeded.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let alice: Api;
let bob: Api;
let dialogId: string;
let other: { id: string; object_id: string };
const ids = { alice: unique('alice'), bob: unique('bob') };

beforeAll(async () => {
  server = await startServer();
  const d = await createDialog(server, { object_type: 'order', title: 'Order dialog', participants: [person(ids.alice), person(ids.bob)] });
  other = await createDialog(server, { object_type: 'tender', title: 'Tender dialog', participants: [person(ids.alice), person(ids.bob)] });
  dialogId = d.id;
  alice = await chatUser(server, ids.alice);
  bob = await chatUser(server, ids.bob);
});
afterAll(async () => {
  await server?.close();
});

describe('hits', () => {
  it('finds a message by a word of its text, with the message, its dialog, a marked snippet and a rank', async () => {
    const w = word();
    const m = await send(alice, dialogId, `<p>The <b>${w}</b> arrived today</p>`);
    await send(alice, dialogId, 'an unrelated message');
    const page = await search(bob, { q: w });
    expect(page.next_cursor).toBeNull();
    expect(page.hits).toHaveLength(1);
    const hit = page.hits[0];
    expect(Object.keys(hit)).toEqual(['message', 'dialog', 'snippet', 'rank']);
    expect(Object.keys(hit.message)).toEqual(MESSAGE_KEYS);
    expect(hit.message).toMatchObject({ id: m.id, dialog_id: dialogId, sender_id: ids.alice, content: m.content, message_type: 'user' });
    expect(hit.dialog).toEqual({ id: dialogId, title: 'Order dialog', object_id: expect.any(String), object_type: 'order' });
    // The tags are stripped before indexing and the snippet is plain text with the match marked.
    expect(hit.snippet).toBe(`The <mark>${w}</mark> arrived today`);
    expect(hit.rank).toBeGreaterThan(0);
  });

  it('words split by inline tags stay whole; block tags separate words; entities are text', async () => {
    const [a, b] = [word(), word()];
    await send(alice, dialogId, `<p>${a}<i>xx</i></p><p>${b}</p>`);
    await send(alice, dialogId, `Tom &amp; ${b}`);
    expect(await found(bob, `${a}xx`)).toHaveLength(1);
    expect(await found(bob, `"${a}xx ${b}"`)).toHaveLength(1);
    const amp = await search(bob, { q: `"tom ${b}"` });
    expect(amp.hits).toHaveLength(1);
    expect(amp.hits[0].snippet).toBe(`<mark>Tom</mark> &amp; <mark>${b}</mark>`);
  });
});

describe('order', () => {
  it('newest first by default; by relevance on request', async () => {
    const w = word();
    const thrice = await send(alice, dialogId, `${w} ${w} ${w} and more`);
    const once = await send(alice, dialogId, `a long message in which ${w} is named just one single time among many other words`);
    expect(await found(bob, w)).toEqual([once.id, thrice.id]);
    expect(await found(bob, w, { order: 'newest' })).toEqual([once.id, thrice.id]);
    const relevance = await search(bob, { q: w, order: 'relevance' });
    expect(relevance.hits.map((h) => h.message.id)).toEqual([thrice.id, once.id]);
    expect(relevance.hits[0].rank).toBeGreaterThan(relevance.hits[1].rank);
  });

  it('relevance ranks the newest 200 matches only; newest first reaches them all', async () => {
    const w = word();
    const best = await send(alice, dialogId, `${w} ${w} ${w} ${w} ${w}`);
    const newer: string[] = [];
    for (let i = 0; i < 200; i++) newer.push((await send(bob, dialogId, `${w} and some filler words number ${i}`)).id);
    const ranked = await allPages(bob, { q: w, order: 'relevance', limit: 100 });
    expect(ranked.map((h) => h.message.id).sort()).toEqual([...newer].sort());
    const all = await allPages(bob, { q: w, limit: 100 });
    expect(all.map((h) => h.message.id)).toEqual([...newer].reverse().concat(best.id));
  }, 60_000);
});

describe('syntax', () => {
  const [a, b, c, d] = [word(), word(), word(), word()];
  const m: Record<string, string> = {};
  beforeAll(async () => {
    m.ab = (await send(alice, dialogId, `${a} ${b}`)).id;
    m.ba = (await send(alice, dialogId, `${b} then ${a}`)).id;
    m.ac = (await send(alice, dialogId, `${a} with ${c}`)).id;
    m.d = (await send(alice, dialogId, `only ${d}`)).id;
  });

  it('all words must match', async () => {
    expect((await found(bob, `${a} ${b}`)).sort()).toEqual([m.ab, m.ba].sort());
  });
  it('a quoted phrase matches the words in that order', async () => {
    expect(await found(bob, `"${a} ${b}"`)).toEqual([m.ab]);
    expect(await found(bob, `"${b} ${a}"`)).toEqual([]);
  });
  it('-word excludes', async () => {
    expect((await found(bob, `${a} -${c}`)).sort()).toEqual([m.ab, m.ba].sort());
  });
  it('OR matches either', async () => {
    expect((await found(bob, `${c} OR ${d}`)).sort()).toEqual([m.ac, m.d].sort());
  });
  it('a query of no words finds nothing', async () => {
    expect(await found(bob, '!!! ...')).toEqual([]);
  });
});

describe('prefix of the last word', () => {
  const w = word();
  let id: string;
  beforeAll(async () => {
    id = (await send(alice, dialogId, `please check ${w}invoice total`)).id;
  });
  it('matches while the word is being typed', async () => {
    expect(await found(bob, `${w}inv`)).toEqual([id]);
    expect(await found(bob, `total ${w}in`)).toEqual([id]);
    expect(await found(bob, `nothing OR ${w}in`)).toEqual([id]);
  });
  it('not once the word is finished, quoted or excluded, and not for earlier words', async () => {
    expect(await found(bob, `${w}inv `)).toEqual([]);
    expect(await found(bob, `"${w}inv"`)).toEqual([]);
    expect(await found(bob, `${w}inv total`)).toEqual([]);
    expect(await found(bob, `${w}invoice -${w}inv`)).toEqual([id]);
  });
});

describe('filters', () => {
  const w = word();
  const m: Record<string, string> = {};
  let between: { after: string; before: string };
  beforeAll(async () => {
    m.aliceOrder = (await send(alice, dialogId, `${w} one`)).id;
    const t1 = new Date().toISOString();
    m.bobOrder = (await send(bob, dialogId, `${w} two`)).id;
    m.aliceTender = (await send(alice, other.id, `${w} three`)).id;
    const t2 = new Date().toISOString();
    const file = await upload(alice, other.id, { filename: 'Quarterly-Report_2026.pdf', content_type: 'text/plain', bytes: text() });
    const res = await alice.post(`/api/v1/dialogs/${other.id}/messages`, { content: `${w} four`, attachments: [file.attachment] });
    expect(res.status, res.text).toBe(200);
    m.withFile = res.body.data.id;
    between = { after: t1, before: t2 };
  });

  it('dialog_id, sender_id, object_type', async () => {
    expect((await found(bob, w, { dialog_id: dialogId })).sort()).toEqual([m.aliceOrder, m.bobOrder].sort());
    expect(await found(bob, w, { sender_id: ids.bob })).toEqual([m.bobOrder]);
    expect((await found(bob, w, { object_type: 'tender' })).sort()).toEqual([m.aliceTender, m.withFile].sort());
    expect(await found(bob, w, { object_type: 'tender', sender_id: ids.bob })).toEqual([]);
  });
  it('before and after (RFC 3339 or a date)', async () => {
    expect((await found(bob, w, between)).sort()).toEqual([m.bobOrder, m.aliceTender].sort());
    expect(await found(bob, w, { before: '2000-01-01' })).toEqual([]);
    expect(await found(bob, w, { after: '2000-01-01' })).toHaveLength(4);
  });
  it('has=attachment, and attachment file names are searchable, whole or word by word', async () => {
    expect(await found(bob, w, { has: 'attachment' })).toEqual([m.withFile]);
    const byName = await search(bob, { q: `quarterly ${w}` });
    expect(byName.hits.map((h) => h.message.id)).toEqual([m.withFile]);
    expect(byName.hits[0].message.attachments.map((a: any) => a.filename)).toEqual(['Quarterly-Report_2026.pdf']);
    expect(await found(bob, `report ${w}`)).toEqual([m.withFile]);
    expect(await found(bob, `quarterly-report_2026.pdf`)).toEqual([m.withFile]);
  });
});

describe('paging', () => {
  it('pages in both orders cover every hit once, in the order of a single page', async () => {
    const rand = seededRandom(testSeed('search paging'));
    const w = word();
    const sent: string[] = [];
    for (let i = 0; i < 23; i++) {
      const times = 1 + Math.floor(rand() * 3);
      const filler = Array.from({ length: Math.floor(rand() * 8) }, () => 'filler').join(' ');
      sent.push((await send(i % 2 ? alice : bob, dialogId, `${Array(times).fill(w).join(' ')} ${filler}`)).id);
    }
    for (const order of ['newest', 'relevance']) {
      const single = (await search(bob, { q: w, order, limit: 100 })).hits;
      expect(single.map((h) => h.message.id).sort()).toEqual([...sent].sort());
      const paged = await allPages(bob, { q: w, order, limit: 5 });
      expect(
        paged.map((h) => h.message.id),
        order,
      ).toEqual(single.map((h) => h.message.id));
      const ranks = paged.map((h) => h.rank);
      if (order === 'relevance') expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
    }
    expect((await allPages(bob, { q: w, limit: 5 })).map((h) => h.message.id)).toEqual([...sent].reverse());
  });
});

describe('bad input', () => {
  it('q is required, bounded, and the other parameters are checked', async () => {
    expectError(await bob.get('/api/v1/messages/search'), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: '   ' })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x'.repeat(201) })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x', order: 'oldest' })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x', dialog_id: 'nope' })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x', before: 'yesterday' })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x', has: 'image' })), 400, 'INVALID_INPUT');
    expectError(await bob.get(searchPath({ q: 'x', cursor: 'garbage' })), 400, 'INVALID_INPUT');
    const forged = Buffer.from(JSON.stringify({ k: "1'; DROP TABLE messages; --", i: 'x' })).toString('base64url');
    expectError(await bob.get(searchPath({ q: 'x', cursor: forged })), 400, 'INVALID_INPUT');
  });
  it('query syntax characters are data, never SQL or tsquery syntax errors', async () => {
    for (const q of ["it's", 'a\\b', "'':*", 'a & b | !c', '(((', '"unclosed', '-', 'OR', 'x:*', '<->']) {
      const res = await bob.get(searchPath({ q }));
      expect(res.status, `${q}: ${res.text}`).toBe(200);
    }
  });
  it('limit is clamped to 1..100', async () => {
    const w = word();
    for (let i = 0; i < 3; i++) await send(alice, dialogId, w);
    expect((await search(bob, { q: w, limit: 0 })).hits).toHaveLength(1);
    expect((await search(bob, { q: w, limit: 100000 })).hits).toHaveLength(3);
  });
});
