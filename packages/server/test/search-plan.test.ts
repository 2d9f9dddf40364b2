/**
 * Message search finds the same hits whichever way it looks them up (queries/search-plan.ts): a server whose probe
 * is two messages long walks the newest messages for words common there and asks the GIN index for rare ones, so
 * a few dozen messages exercise every path, alone and mixed in one query, across pages; and relevance order takes
 * its matches from the newest messages only when the words are common there (docs/search.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEVANCE_MIN, spans } from '../src/queries/search-plan.js';
import type { Api } from './support/api.js';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { allPages, found, search, word } from './support/search.js';
import { seededRandom, testSeed } from './support/seeded.js';
import { startServer, type TestServer } from './support/server.js';

const PROBE = 2;

let server: TestServer;
let alice: Api;
let bob: Api;
let mine: string;
let theirs: string;

beforeAll(async () => {
  server = await startServer({ SEARCH_PROBE_MESSAGES: String(PROBE) });
  const ids = { alice: unique('alice'), bob: unique('bob'), carol: unique('carol') };
  mine = (await createDialog(server, { participants: [person(ids.alice), person(ids.bob)] })).id;
  theirs = (await createDialog(server, { participants: [person(ids.alice), person(ids.carol)] })).id;
  alice = await chatUser(server, ids.alice);
  bob = await chatUser(server, ids.bob);
});
afterAll(async () => {
  await server?.close();
});

/** A message sent, in sending order (one after another, so also the order of their send times). */
interface Sent {
  id: string;
  words: Set<string>;
  mine: boolean;
}

describe('every path finds the same hits', () => {
  const [common, rare, p1, p2, other] = [word(), word(), word(), word(), word()];
  const sent: Sent[] = [];
  let phrase: Set<string>;

  beforeAll(async () => {
    const random = seededRandom(testSeed('search plan'));
    phrase = new Set();
    const total = 60;
    for (let i = 0; i < total; i++) {
      // The rare word: in two old messages of bob's dialog, and in the newest message, of a dialog he is not in.
      const inMine = i === total - 1 ? false : i === 5 || i === 12 ? true : random() < 0.75;
      const words = [other];
      // The common word: in about half, and in one of the rare word's messages of bob's dialog but not the other.
      if (i === 5 || (i !== 12 && random() < 0.5)) words.push(common);
      if (i === 5 || i === 12 || i === total - 1) words.push(rare);
      const order = random();
      if (order < 0.2) words.push(p1, p2);
      else if (order < 0.4) words.push(p2, p1);
      const m = await send(alice, inMine ? mine : theirs, words.join(' '));
      sent.push({ id: m.id, words: new Set(words), mine: inMine });
      if (order < 0.2) phrase.add(m.id);
    }
  }, 120_000);

  const expected = (all: string[], only?: Set<string>) =>
    sent
      .filter((m) => m.mine && all.every((w) => m.words.has(w)) && (!only || only.has(m.id)))
      .map((m) => m.id)
      .reverse();

  it('a rare word, a common one, both in one query (either way round), a phrase, an exclusion', async () => {
    const cases: [string, string[]][] = [
      [rare, expected([rare])],
      [common, expected([common])],
      [`${rare} ${common}`, expected([rare, common])],
      [`${common} ${rare}`, expected([rare, common])],
      [`${common} ${rare.slice(0, 6)}`, expected([rare, common])],
      [`"${p1} ${p2}"`, expected([p1, p2], phrase)],
      [`${common} -${rare}`, expected([common]).filter((id) => !expected([rare]).includes(id))],
    ];
    expect(expected([rare])).toHaveLength(2);
    expect(expected([rare, common])).toHaveLength(1);
    for (const [q, ids] of cases) {
      expect(await found(bob, q), q).toEqual(ids);
      // Pages of 4: each page starts its walk below the previous one's last hit.
      expect(
        (await allPages(bob, { q, limit: 4 })).map((h) => h.message.id),
        `${q}, paged`,
      ).toEqual(ids);
      const ranked = await allPages(bob, { q, order: 'relevance', limit: 4 });
      expect(new Set(ranked.map((h) => h.message.id)).size, `${q}, relevance`).toBe(ranked.length);
    }
  });

  it('relevance ranks every match of a word rare among the newest messages', async () => {
    const ranked = await allPages(bob, { q: rare, order: 'relevance' });
    expect(ranked.map((h) => h.message.id).sort()).toEqual(expected([rare]).sort());
  });
});

describe('relevance order', () => {
  const span = spans(PROBE).relevance;

  it('ranks the matches of the newest messages when those hold enough of them; newest first finds them all', async () => {
    const w = word();
    const best = await send(alice, mine, `${w} ${w} ${w} ${w} ${w}`);
    const newer: string[] = [];
    for (let i = 0; i < span + 5; i++) newer.push((await send(alice, mine, `${w} and filler number ${i}`)).id);
    const ranked = (await allPages(bob, { q: w, order: 'relevance' })).map((h) => h.message.id);
    expect(ranked.length).toBeGreaterThanOrEqual(RELEVANCE_MIN);
    expect(ranked.sort()).toEqual(newer.slice(-span).sort());
    expect(await found(bob, w)).toEqual([...newer].reverse().concat(best.id));
  }, 60_000);

  it('ranks every match (up to 200) when the newest messages hold too few', async () => {
    const w = word();
    const best = await send(alice, mine, `${w} ${w} ${w} ${w} ${w}`);
    for (let i = 0; i < 3; i++) await send(alice, mine, `${w} and filler number ${i}`);
    await send(alice, mine, `one newer message without it`);
    await send(alice, mine, `${w} once more, in a longer message than the others are`);
    for (let i = 0; i < span; i++) await send(alice, mine, `unrelated filler ${i}`);
    await send(alice, mine, `the newest ${w}`);
    const page = await search(bob, { q: w, order: 'relevance' });
    expect(page.hits).toHaveLength(6);
    expect(page.hits[0].message.id).toBe(best.id);
  }, 60_000);
});
