/**
 * `input_tag`s are re-authorized: an agent tag must name an agent of the thread; a host entity tag must carry
 * the host's signature for this user (CHATKIT_ENTITY_SECRET); a forged, altered or another user's tag is
 * refused with 403 before anything is stored, and without a configured secret host tags are refused.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgent } from './support/agents.js';
import type { Api } from './support/api.js';
import { unique } from './support/chat.js';
import { chatKitUser, ck, userInput } from './support/chatkit.js';
import { expectError } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

const SECRET = 'entity-secret-for-tests';

/** The host's side, written from docs/chatkit.md: HMAC-SHA256 of user id, tag id and the data as sorted-key JSON. */
function sign(userId: string, id: string, data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHmac('sha256', SECRET)
    .update(`${userId}\n${id}\n${JSON.stringify(sorted)}`)
    .digest('base64url');
}

const tag = (id: string, data: Record<string, string>) => ({ type: 'input_tag', id, text: id, data, interactive: true });
const withTags = (...tags: unknown[]) => userInput('about these', { content: [{ type: 'input_text', text: 'see ' }, ...tags] });

describe('ChatKit input_tag re-authorization', () => {
  let server: TestServer;
  let bare: TestServer;
  let demo = '';
  let other = '';

  beforeAll(async () => {
    [server, bare] = await Promise.all([startServer({ CHATKIT_ENTITY_SECRET: SECRET }), startServer()]);
    demo = await registerAgent(server, { display_name: 'Demo Bot' });
    other = await registerAgent(server, { display_name: 'Other Bot' });
    await registerAgent(bare, { id: demo, display_name: 'Demo Bot' });
  });
  afterAll(async () => {
    await server?.close();
    await bare?.close();
  });

  async function thread(api: Api): Promise<string> {
    const res = await ck(api, 'threads.create', { input: userInput('hi') });
    expect(res.status, res.text).toBe(200);
    return res.events[0]!.thread.id;
  }
  const itemCount = async (api: Api, threadId: string) =>
    (await ck(api, 'items.list', { thread_id: threadId, limit: 100 })).body.data.length;

  it('accepts a host entity signed for this user and keeps its data in the item', async () => {
    const alice = unique('alice');
    const api = await chatKitUser(server, alice, demo);
    const threadId = await thread(api);
    const data = { order: '42', kind: 'order' };
    const signed = tag('order-42', { ...data, parley_sig: sign(alice, 'order-42', data) });
    const res = await ck(api, 'threads.add_user_message', { thread_id: threadId, input: withTags(signed) });
    expect(res.status, res.text).toBe(200);
    expect(res.events[0]!.item.content[1]).toMatchObject({ type: 'input_tag', id: 'order-42', data: { order: '42' } });
  });

  it('refuses forged, altered and other users\u2019 tags with 403 and stores nothing', async () => {
    const alice = unique('alice');
    const bob = unique('bob');
    const api = await chatKitUser(server, alice, demo);
    const threadId = await thread(api);
    const before = await itemCount(api, threadId);
    const data = { order: '42' };
    for (const forged of [
      tag('order-42', data),
      tag('order-42', { ...data, parley_sig: 'AAAA' }),
      tag('order-42', { order: '43', parley_sig: sign(alice, 'order-42', data) }),
      tag('order-43', { ...data, parley_sig: sign(alice, 'order-42', data) }),
      tag('order-42', { ...data, parley_sig: sign(bob, 'order-42', data) }),
      tag(`agent:${demo}`, { role: 'admin' }),
    ]) {
      const res = await ck(api, 'threads.add_user_message', { thread_id: threadId, input: withTags(forged) });
      expectError(res, 403, 'FORBIDDEN');
      expect(res.body.error.message).toContain(forged.id);
    }
    expect(await itemCount(api, threadId)).toBe(before);
    // On threads.create the refusal comes before the thread exists.
    const threads = (await ck(api, 'threads.list', {})).body.data.length;
    expectError(await ck(api, 'threads.create', { input: withTags(tag('order-42', data)) }), 403, 'FORBIDDEN');
    expect((await ck(api, 'threads.list', {})).body.data.length).toBe(threads);
  });

  it('an agent tag without data must name an agent of the thread', async () => {
    const api = await chatKitUser(server, unique('carol'), demo);
    const threadId = await thread(api);
    expect((await ck(api, 'threads.add_user_message', { thread_id: threadId, input: withTags(tag(`agent:${demo}`, {})) })).status).toBe(
      200,
    );
    expectError(
      await ck(api, 'threads.add_user_message', { thread_id: threadId, input: withTags(tag(`agent:${other}`, {})) }),
      400,
      'INVALID_INPUT',
    );
  });

  it('without CHATKIT_ENTITY_SECRET every host entity tag is refused', async () => {
    const alice = unique('alice');
    const api = await chatKitUser(bare, alice, demo);
    const data = { order: '42' };
    const res = await ck(api, 'threads.create', {
      input: withTags(tag('order-42', { ...data, parley_sig: sign(alice, 'order-42', data) })),
    });
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error.message).toContain('CHATKIT_ENTITY_SECRET');
  });
});
