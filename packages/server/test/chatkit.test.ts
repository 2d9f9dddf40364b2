/**
 * POST /chatkit with the demo agent: every request type of chatkit-protocol §2, chatkit-python's shapes and
 * event sequences, the integrator duties (errors before the first byte, authorization, widget actions only on
 * a widget of the thread, tool output only for the pending call, feedback as a webhook, cancel on disconnect),
 * and one conversation with two faces (a ChatKit message is a Chat API message and the other way round).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/api.js';
import { registerAgent } from './support/agents.js';
import { chatUser, send, unique } from './support/chat.js';
import { chatKitUser, ck, openStream, userInput, type Ev } from './support/chatkit.js';
import { expectError } from './support/fixtures.js';
import { redisEnv } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';
import { startReceiver, webhookEnv, type Receiver } from './support/webhook-receiver.js';
import { eventually } from './support/poll.js';

let server: TestServer;
let receiver: Receiver;
let demo = '';

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startServer({ ...redisEnv(), ...webhookEnv(receiver, { WEBHOOK_EVENTS: 'default,item.feedback' }) });
  demo = await registerAgent(server, { display_name: 'Demo Bot' });
});
afterAll(async () => {
  await server?.close();
  await receiver?.stop();
});

const types = (events: Ev[]) => events.map((e) => (e.type === 'thread.item.updated' ? e.update.type : e.type));

async function newThread(api: Api, text = 'hello') {
  const res = await ck(api, 'threads.create', { input: userInput(text) });
  expect(res.status, res.text).toBe(200);
  return { res, thread: res.events[0]!.thread as Ev, events: res.events };
}

describe('threads.create and threads.add_user_message', () => {
  it('streams thread.created, the user item, stream_options, then the reply as chatkit-python does', async () => {
    const alice = unique('alice');
    const api = await chatKitUser(server, alice, demo, { profile: { display_name: 'Alice' } });
    const { res, thread, events } = await newThread(api, 'hello');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(types(events)).toEqual([
      'thread.created',
      'thread.item.done',
      'stream_options',
      'thread.item.added',
      'assistant_message.content_part.added',
      ...types(events).filter((t) => t === 'assistant_message.content_part.text_delta'),
      'assistant_message.content_part.done',
      'thread.item.done',
    ]);
    expect(types(events).filter((t) => t === 'assistant_message.content_part.text_delta').length).toBeGreaterThanOrEqual(2);
    expect(thread).toMatchObject({ status: { type: 'active' }, metadata: {}, items: { data: [], has_more: false } });
    expect(thread.title).toBeUndefined();
    expect(events[1]!.item).toMatchObject({
      type: 'user_message',
      thread_id: thread.id,
      content: [{ type: 'input_text', text: 'hello' }],
      attachments: [],
      inference_options: {},
    });
    expect(events[2]).toEqual({ type: 'stream_options', stream_options: { allow_cancel: true } });
    const reply = events.at(-1)!.item;
    expect(reply).toMatchObject({
      type: 'assistant_message',
      thread_id: thread.id,
      content: [{ type: 'output_text', text: 'Echo: hello', annotations: [] }],
    });
    expect(events[3]!.item.id).toBe(reply.id);
    // The thread is a dialog bound to itself, with the person and the agent.
    const dialog = (await server.admin.get(`/api/v1/management/dialogs/${thread.id}`)).body.data;
    expect(dialog).toMatchObject({ object_type: 'chatkit', object_id: thread.id });
    expect(dialog.participants.map((p: Ev) => [p.user_id, p.display_name]).sort()).toEqual(
      [
        [alice, 'Alice'],
        [`agent:${demo}`, 'Demo Bot'],
      ].sort(),
    );
    // threads.get_by_id: metadata and the first page of items, oldest first.
    const got = await ck(api, 'threads.get_by_id', { thread_id: thread.id });
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
    expect(got.body.items.data.map((i: Ev) => i.type)).toEqual(['user_message', 'assistant_message']);
    expect(got.body.items.data[1]).toEqual(reply);
  });

  it('is one conversation with the Chat API: each side sees the other as its own kind of message', async () => {
    const [alice, bob] = [unique('alice'), unique('bob')];
    const api = await chatKitUser(server, alice, demo);
    const { thread } = await newThread(api, 'first');
    await server.admin.post(`/api/v1/management/dialogs/${thread.id}/participants`, { user_id: bob, display_name: 'Bob' });
    const bobApi = await chatUser(server, bob);
    await send(bobApi, thread.id, 'from the <b>chat</b> api');
    await eventually(async () => (await ck(api, 'items.list', { thread_id: thread.id })).body.data.length === 4, 'the condition');
    const items = (await ck(api, 'items.list', { thread_id: thread.id, order: 'asc' })).body.data;
    expect(items.map((i: Ev) => i.type)).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message']);
    expect(items[2].content).toEqual([{ type: 'input_text', text: 'from the chat api' }]);
    const more = await ck(api, 'threads.add_user_message', { thread_id: thread.id, input: userInput('a <tag> & more') });
    expect(types(more.events).slice(0, 2)).toEqual(['thread.item.done', 'stream_options']);
    const page = await bobApi.get(`/api/v1/dialogs/${thread.id}/messages?limit=50`);
    const last = page.body.data.messages.filter((m: Ev) => m.sender_id === alice).map((m: Ev) => m.content);
    expect(last).toEqual(['<p>first</p>', '<p>a &lt;tag&gt; &amp; more</p>']);
  });

  it('needs an agent for new threads: none configured is 400, and minting with an unknown agent is 400', async () => {
    const plain = await chatUser(server, unique('carol'));
    expectError(await ck(plain, 'threads.create', { input: userInput('hi') }), 400, 'BAD_REQUEST');
    expectError(
      await server.admin.post('/api/v1/management/tokens', { user_id: 'x', chatkit: { agent_id: 'nobody' } }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('lists, paging and authorization', () => {
  it('threads.list pages the user’s threads newest first by thread id cursors; items.list pages newest first', async () => {
    const api = await chatKitUser(server, unique('dave'), demo);
    const ids: string[] = [];
    for (const t of ['a', 'b', 'c']) ids.push((await newThread(api, t)).thread.id);
    const first = await ck(api, 'threads.list', { limit: 2 });
    expect(first.body.data.map((t: Ev) => t.id)).toEqual([ids[2], ids[1]]);
    expect(first.body).toMatchObject({ has_more: true, after: ids[1] });
    expect(first.body.data[0].items).toEqual({ data: [], has_more: false });
    const second = await ck(api, 'threads.list', { limit: 2, after: first.body.after });
    expect(second.body.data.map((t: Ev) => t.id)).toEqual([ids[0]]);
    expect(second.body.has_more).toBe(false);
    expect((await ck(api, 'threads.list', { order: 'asc' })).body.data.map((t: Ev) => t.id)).toEqual(ids);
    const items = await ck(api, 'items.list', { thread_id: ids[0], limit: 1 });
    expect(items.body.data.map((i: Ev) => i.type)).toEqual(['assistant_message']);
    const rest = await ck(api, 'items.list', { thread_id: ids[0], limit: 1, after: items.body.after });
    expect(rest.body.data.map((i: Ev) => i.type)).toEqual(['user_message']);
  });

  it("another user's thread does not exist for them (404 on every request that names it)", async () => {
    const owner = await chatKitUser(server, unique('erin'), demo);
    const { thread, events } = await newThread(owner, 'private');
    const item = events.at(-1)!.item.id;
    const eve = await chatKitUser(server, unique('eve'), demo);
    const requests: [string, Record<string, unknown>][] = [
      ['threads.get_by_id', { thread_id: thread.id }],
      ['items.list', { thread_id: thread.id }],
      ['threads.add_user_message', { thread_id: thread.id, input: userInput('x') }],
      ['threads.add_client_tool_output', { thread_id: thread.id, result: {} }],
      ['threads.retry_after_item', { thread_id: thread.id, item_id: item }],
      ['threads.custom_action', { thread_id: thread.id, item_id: item, action: { type: 'demo.approve' } }],
      ['threads.sync_custom_action', { thread_id: thread.id, item_id: item, action: { type: 'demo.approve' } }],
      ['threads.add_structured_input', { thread_id: thread.id, item_id: item, input: { answers: {} } }],
      ['items.feedback', { thread_id: thread.id, item_ids: [item], kind: 'positive' }],
      ['threads.update', { thread_id: thread.id, title: 'mine now' }],
      ['threads.delete', { thread_id: thread.id }],
    ];
    for (const [type, params] of requests) {
      const res = await ck(eve, type, params);
      expect(res.status, `${type}: ${res.text}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await ck(eve, 'threads.list')).body.data).toEqual([]);
    expect((await ck(owner, 'threads.get_by_id', { thread_id: thread.id })).body.title).toBeUndefined();
  });

  it('answers bad requests and missing credentials with HTTP errors, never a stream', async () => {
    const api = await chatKitUser(server, unique('frank'), demo);
    expectError(await api.post('/chatkit', { type: 'threads.list' }), 400, 'INVALID_INPUT');
    expectError(await api.post('/chatkit', { type: 'threads.teleport', params: {} }), 400, 'INVALID_INPUT');
    expectError(
      await api.post('/chatkit', { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'x' }] } } }),
      400,
      'INVALID_INPUT',
    );
    expectError(await api.post('/chatkit', '{"type":'), 400, 'INVALID_INPUT');
    expectError(await server.anon().post('/chatkit', { type: 'threads.list', params: {} }), 401, 'UNAUTHORIZED');
    expectError(await ck(api, 'threads.get_by_id', { thread_id: 'thr_123' }), 404, 'NOT_FOUND');
  });
});

describe('widgets, client tools, retry and errors', () => {
  it('a widget action replaces the widget and the agent answers; sync actions return the updated item', async () => {
    const api = await chatKitUser(server, unique('gina'), demo, { profile: { display_name: 'Gina' } });
    const { thread, events } = await newThread(api, '/widget');
    const widget = events.at(-1)!.item;
    expect(widget).toMatchObject({ type: 'widget', copy_text: 'Approve this order?', widget: { type: 'Card' } });
    const acted = await ck(api, 'threads.custom_action', {
      thread_id: thread.id,
      item_id: widget.id,
      action: { type: 'demo.approve', payload: {} },
    });
    expect(acted.status, acted.text).toBe(200);
    expect(types(acted.events).slice(0, 2)).toEqual(['stream_options', 'thread.item.replaced']);
    expect(acted.events[1]!.item).toMatchObject({
      id: widget.id,
      type: 'widget',
      widget: { type: 'Card', children: [{ type: 'Text', value: 'Approved by Gina' }] },
    });
    expect(acted.events.at(-1)!.item).toMatchObject({ type: 'assistant_message', content: [{ text: 'Approved.' }] });
    // The Chat API face of the widget changed too.
    const msg = await api.get(`/api/v1/dialogs/${thread.id}/messages/${widget.id}`);
    expect(msg.body.data.content).toBe('<p>Approved by Gina</p>');

    const again = await newThread(api, '/widget');
    const w2 = again.events.at(-1)!.item;
    const sync = await ck(api, 'threads.sync_custom_action', {
      thread_id: again.thread.id,
      item_id: w2.id,
      action: { type: 'demo.approve' },
    });
    expect(sync.status, sync.text).toBe(200);
    expect(sync.body.updated_item).toMatchObject({ id: w2.id, widget: { children: [{ value: 'Approved by Gina' }] } });
  });

  it('refuses actions on an item that is not a widget (409) or a widget of another thread (404)', async () => {
    const api = await chatKitUser(server, unique('hank'), demo);
    const a = await newThread(api, '/widget');
    const b = await newThread(api, 'plain');
    const message = b.events.at(-1)!.item.id;
    expectError(
      await ck(api, 'threads.custom_action', { thread_id: b.thread.id, item_id: message, action: { type: 'demo.approve' } }),
      409,
      'CONFLICT',
    );
    expectError(await ck(api, 'threads.custom_action', { thread_id: b.thread.id, action: { type: 'demo.approve' } }), 409, 'CONFLICT');
    const foreignWidget = a.events.at(-1)!.item.id;
    expectError(
      await ck(api, 'threads.custom_action', { thread_id: b.thread.id, item_id: foreignWidget, action: { type: 'demo.approve' } }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await ck(api, 'threads.sync_custom_action', { thread_id: b.thread.id, item_id: message, action: { type: 'demo.approve' } }),
      409,
      'CONFLICT',
    );
    expectError(
      await ck(api, 'threads.add_structured_input', { thread_id: b.thread.id, item_id: message, input: { answers: {} } }),
      409,
      'CONFLICT',
    );
  });

  it('takes a client tool output only for the pending call, then answers with it', async () => {
    const api = await chatKitUser(server, unique('ivy'), demo);
    const { thread, events } = await newThread(api, '/tool');
    expect(events.at(-1)!.item).toMatchObject({ type: 'client_tool_call', status: 'pending', name: 'get_location', arguments: {} });
    const out = await ck(api, 'threads.add_client_tool_output', { thread_id: thread.id, result: { city: 'Oslo' } });
    expect(out.status, out.text).toBe(200);
    expect(out.events[0]).toEqual({ type: 'stream_options', stream_options: { allow_cancel: true } });
    expect(out.events.at(-1)!.item).toMatchObject({ type: 'assistant_message', content: [{ text: 'Tool result: {"city":"Oslo"}' }] });
    expectError(await ck(api, 'threads.add_client_tool_output', { thread_id: thread.id, result: {} }), 409, 'CONFLICT');
    const items = (await ck(api, 'items.list', { thread_id: thread.id, order: 'asc' })).body.data;
    expect(items[1]).toMatchObject({ type: 'client_tool_call', status: 'completed', output: { city: 'Oslo' } });
  });

  it('retry_after_item announces the removal of later items and answers again', async () => {
    const api = await chatKitUser(server, unique('jack'), demo);
    const { thread, events } = await newThread(api, 'again');
    const user = events[1]!.item.id;
    const reply = events.at(-1)!.item.id;
    const retried = await ck(api, 'threads.retry_after_item', { thread_id: thread.id, item_id: user });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.events.slice(0, 2)).toEqual([
      { type: 'thread.item.removed', item_id: reply },
      { type: 'stream_options', stream_options: { allow_cancel: true } },
    ]);
    expect(retried.events.at(-1)!.item).toMatchObject({ type: 'assistant_message', content: [{ text: 'Echo: again' }] });
    const items = (await ck(api, 'items.list', { thread_id: thread.id, order: 'asc' })).body.data.map((i: Ev) => i.id);
    expect(items).toEqual([user, retried.events.at(-1)!.item.id]);
    expectError(await ck(api, 'threads.retry_after_item', { thread_id: thread.id, item_id: items[1] }), 409, 'CONFLICT');
    // Never someone else's words: once another person has written, the earlier message cannot be retried.
    const bob = unique('bob');
    await server.admin.post(`/api/v1/management/dialogs/${thread.id}/participants`, { user_id: bob, display_name: 'Bob' });
    await send(await chatUser(server, bob), thread.id, 'mine');
    expectError(await ck(api, 'threads.retry_after_item', { thread_id: thread.id, item_id: user }), 409, 'CONFLICT');
  });

  it('streams an agent failure as an error event and stores nothing of the agent', async () => {
    const api = await chatKitUser(server, unique('kim'), demo);
    const { thread, events } = await newThread(api, '/fail');
    expect(events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: true });
    expect((await ck(api, 'items.list', { thread_id: thread.id })).body.data.map((i: Ev) => i.type)).toEqual(['user_message']);
  });

  it('cancels the run when the client disconnects, keeping what was streamed', async () => {
    const api = await chatKitUser(server, unique('lee'), demo);
    const s = openStream(server, api, { type: 'threads.create', params: { input: userInput('/slow') } });
    await s.ready;
    await eventually(
      async () =>
        s.events.filter((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta').length >=
        2,
      'the condition',
    );
    const thread = s.events[0]!.thread.id;
    s.hangUp();
    let items: Ev[] = [];
    await eventually(async () => {
      items = (await ck(api, 'items.list', { thread_id: thread, order: 'asc' })).body.data;
      return items.length === 2;
    }, 'the condition');
    const text = items[1]!.content[0].text as string;
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('slow reply');
    expect('slow reply'.startsWith(text)).toBe(true);
  });
});

describe('rate limits', () => {
  it('shares the Chat API limits: posting through ChatKit takes from the send bucket (429 + Retry-After)', async () => {
    const limited = await startServer({ ...redisEnv(), RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEND_RPS: '1', RATE_LIMIT_SEND_BURST: '2' });
    try {
      const bot = await registerAgent(limited, {});
      const api = await chatKitUser(limited, unique('rita'), bot);
      const { thread } = await newThread(api, '/widget');
      // Ten posts at once against a bucket of two refilled at one a second: some must be refused, before any byte of a
      // stream, even when a loaded machine spreads the ten over a few seconds.
      const answers = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) =>
          ck(api, 'threads.add_user_message', { thread_id: thread.id, input: userInput(`/widget ${i}`) }),
        ),
      );
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expectError(refused[0]!, 429, 'RATE_LIMIT_EXCEEDED');
      expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answers.filter((a) => a.status === 200).every((a) => a.headers.get('content-type')?.startsWith('text/event-stream'))).toBe(
        true,
      );
      // Reads are not sends.
      expect((await ck(api, 'items.list', { thread_id: thread.id })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('thread management, feedback and what is not available', () => {
  it('threads.update sets the title; only the one who started a thread deletes it', async () => {
    const owner = unique('mia');
    const api = await chatKitUser(server, owner, demo);
    const { thread } = await newThread(api);
    const updated = await ck(api, 'threads.update', { thread_id: thread.id, title: 'Renamed' });
    expect(updated.body).toMatchObject({ id: thread.id, title: 'Renamed', items: { data: [], has_more: false } });
    const other = unique('ned');
    await server.admin.post(`/api/v1/management/dialogs/${thread.id}/participants`, { user_id: other, display_name: 'Ned' });
    expectError(await ck(await chatKitUser(server, other, demo), 'threads.delete', { thread_id: thread.id }), 403, 'FORBIDDEN');
    // A dialog the host created (bound to its own object) is not the user's to delete, even as its first participant.
    const hostDialog = await server.admin.post('/api/v1/management/dialogs', {
      object_id: unique('o'),
      object_type: 'order',
      participants: [{ user_id: owner, display_name: 'Mia' }],
    });
    expectError(await ck(api, 'threads.delete', { thread_id: hostDialog.body.data.id }), 403, 'FORBIDDEN');
    const deleted = await ck(api, 'threads.delete', { thread_id: thread.id });
    expect(deleted.body).toEqual({});
    expectError(await ck(api, 'threads.get_by_id', { thread_id: thread.id }), 404, 'NOT_FOUND');
  });

  it('items.feedback is stored and sent as the item.feedback webhook; unknown items are 404', async () => {
    const user = unique('olga');
    const api = await chatKitUser(server, user, demo);
    const { thread, events } = await newThread(api);
    const reply = events.at(-1)!.item.id;
    const res = await ck(api, 'items.feedback', { thread_id: thread.id, item_ids: [reply], kind: 'negative' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    await eventually(
      async () => receiver.delivered().some((r) => r.json.type === 'item_feedback' && r.json.payload.dialog_id === thread.id),
      'the condition',
    );
    const hook = receiver.delivered().find((r) => r.json.type === 'item_feedback' && r.json.payload.dialog_id === thread.id)!;
    expect(hook.json.payload).toMatchObject({ user_id: user, item_ids: [reply], kind: 'negative' });
    expectError(
      await ck(api, 'items.feedback', { thread_id: thread.id, item_ids: ['0190f2a4-0000-7000-8000-000000000000'], kind: 'positive' }),
      404,
      'NOT_FOUND',
    );
  });

  it('input.transcribe answers 501 with no transcriber; the agent reply fires message_new webhooks like a person', async () => {
    const api = await chatKitUser(server, unique('pia'), demo);
    expectError(await ck(api, 'input.transcribe', { audio_base64: 'AAAA', mime_type: 'audio/webm' }), 501, 'NOT_IMPLEMENTED');
    const { thread, events } = await newThread(api, 'hook me');
    const reply = events.at(-1)!.item.id;
    await eventually(
      async () => receiver.delivered().some((r) => r.json.type === 'message_new' && r.json.payload.message?.id === reply),
      'the condition',
    );
    expect(receiver.delivered().find((r) => r.json.payload.message?.id === reply)!.json.payload).toMatchObject({
      dialog_id: thread.id,
      message: { sender_id: `agent:${demo}`, content: '<p>Echo: hook me</p>' },
    });
  });
});
