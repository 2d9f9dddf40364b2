/** client.messages.search and searchAll against a real server: typed hits, paging by cursor, errors as ParleyError. */
import { expect, it } from 'vitest';
import type { TestServer } from '../../server/test/support/server.js';
import { ParleyError, type SearchHit } from '../src/index.js';
import { dialogWith, nodeClient, uid } from './support/clients.js';
import type { HostBackend } from './support/host.js';
import { hostedServerPerFile } from './support/hosted-server.js';

let server: TestServer;
let host: HostBackend;
hostedServerPerFile((s, h) => {
  server = s;
  host = h;
});

const word = () =>
  `zq${Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 8)}x`;

it("finds the messages of the user's dialogs, page by page, without gaps or repeats", async () => {
  const [alice, bob] = [uid('alice'), uid('bob')];
  const dialogId = await dialogWith(server.admin, [alice, bob]);
  const carol = uid('carol');
  const elsewhere = await dialogWith(server.admin, [carol, uid('dave')]);
  const w = word();
  const client = nodeClient(server.url, host.auth(alice));
  const sent: string[] = [];
  for (let i = 0; i < 7; i++) sent.push((await client.messages.send(dialogId, `note ${i} about ${w}`)).id);
  // A message of a dialog Alice is not in never shows.
  expect((await (await server.user(carol)).post(`/api/v1/dialogs/${elsewhere}/messages`, { content: w })).status).toBe(200);

  const first = await client.messages.search({ q: w, limit: 3 });
  expect(first.hits.map((h) => h.message.id)).toEqual(sent.slice(-3).reverse());
  expect(first.hits[0]!.dialog).toMatchObject({ id: dialogId, title: 'Order chat', object_type: 'order' });
  expect(first.hits[0]!.snippet).toContain(`<mark>${w}</mark>`);
  expect(first.next_cursor).toEqual(expect.any(String));
  const second = await client.messages.search({ q: w, limit: 3, cursor: first.next_cursor! });
  expect(second.hits.map((h) => h.message.id)).toEqual(sent.slice(1, 4).reverse());

  const all: SearchHit[] = [];
  for await (const hit of client.messages.searchAll({ q: w, limit: 2 })) all.push(hit);
  expect(all.map((h) => h.message.id)).toEqual([...sent].reverse());
  const prefix: SearchHit[] = [];
  for await (const hit of client.messages.searchAll({ q: w.slice(0, 6), dialog_id: dialogId, order: 'relevance' })) prefix.push(hit);
  expect(prefix).toHaveLength(7);
});

it('a bad request rejects with a ParleyError', async () => {
  const client = nodeClient(server.url, host.auth(uid('alice')));
  const err = await client.messages.search({ q: 'x', cursor: 'not-a-cursor' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ParleyError);
  expect(err).toMatchObject({ code: 'INVALID_INPUT', status: 400, retryable: false });
});
