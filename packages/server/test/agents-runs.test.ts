/**
 * Agent runs end to end with the demo agent: a person's message makes every agent member answer once, in order,
 * streamed as typed events over WebSocket and SSE, stored as a message MTChat clients see as `message.new` with
 * rendered, sanitized markdown. No loops, mention triggers, errors, timeouts and cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { agentDialog, registerAgent, replay, runEvents, textOf } from './support/agents.js';
import { redisEnv, SseClient, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let demo = '';

beforeAll(async () => {
  server = await startServer({ ...redisEnv(), AGENT_TIMEOUT_SECS: '3' });
  demo = await registerAgent(server, { display_name: 'Demo Bot' });
});
afterAll(async () => {
  await server?.close();
});

const finished = (dialogId: string) => (m: Msg) => m.type === 'agent.run.finished' && m.dialog_id === dialogId;

describe('the demo agent answers a person', () => {
  it('streams Echo: T as chatkit-python does and stores it as an ordinary message', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    const sse = await SseClient.connect(server.url, tokenOf(api));
    const sent = await send(api, dialog, 'hello **world**');
    for (const client of [ws, sse]) {
      const end = await client.waitFor(finished(dialog), 'run finished');
      expect(end.status).toBe('completed');
      const events = runEvents(client.received, end.run_id);
      const types = events.map((e) => (e.type === 'agent.item.updated' ? e.update.type : e.type));
      expect(types[0]).toBe('agent.run.started');
      expect(events[0]).toMatchObject({ agent_user_id: `agent:${demo}`, reply_to_id: sent.id });
      expect(types.slice(1, 3)).toEqual(['agent.item.added', 'assistant_message.content_part.added']);
      expect(types.filter((t) => t === 'assistant_message.content_part.text_delta').length).toBeGreaterThanOrEqual(2);
      expect(types.slice(-3)).toEqual(['assistant_message.content_part.done', 'agent.item.done', 'agent.run.finished']);
      // The events rebuild the finished item.
      const done = events.find((e) => e.type === 'agent.item.done')!;
      expect(textOf(replay(events.filter((e) => e.type !== 'agent.item.done')).get(done.item.id))).toBe('Echo: hello **world**');
      expect(done.item).toMatchObject({
        type: 'assistant_message',
        thread_id: dialog,
        content: [{ type: 'output_text', text: 'Echo: hello **world**' }],
      });
      // MTChat's face: an ordinary message.new with the markdown rendered to safe HTML.
      const mt = await client.waitFor((m) => m.type === 'message.new' && m.id === done.item.id, 'message.new');
      expect(mt).toMatchObject({ sender_id: `agent:${demo}`, message_type: 'user', content: '<p>Echo: hello <strong>world</strong></p>' });
    }
    const page = await api.get(`/api/v1/dialogs/${dialog}/messages`);
    const mine = page.body.data.messages.filter((m: Msg) => m.sender_id === `agent:${demo}`);
    expect(mine).toHaveLength(1);
    expect(mine[0].content).toBe('<p>Echo: hello <strong>world</strong></p>');
    await ws.close();
    sse.close();
  });

  it('renders unsafe markdown to sanitized HTML', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '[x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;');
    const mt = await ws.waitFor((m) => m.type === 'message.new' && m.sender_id === `agent:${demo}`, 'agent message');
    expect(mt.content).not.toMatch(/javascript:|<img|onerror=/i);
    await ws.close();
  });

  it('answers /widget with a widget item, and MTChat clients get its text', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '/widget');
    const done = await ws.waitFor((m) => m.type === 'agent.item.done', 'widget done');
    expect(done.item).toMatchObject({
      type: 'widget',
      widget: {
        type: 'Card',
        children: [
          { type: 'Text', id: 'q', value: 'Approve this order?' },
          { type: 'Button', label: 'Approve', onClickAction: { type: 'demo.approve', payload: {} } },
        ],
      },
    });
    const mt = await ws.waitFor((m) => m.type === 'message.new' && m.id === done.item.id, 'message.new');
    expect(mt.content).toBe('<p>Approve this order?</p>');
    await ws.close();
  });

  it('answers /fail with an error event and stores nothing of its own', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '/fail');
    const end = await ws.waitFor(finished(dialog), 'finished');
    expect(end.status).toBe('failed');
    expect(runEvents(ws.received, end.run_id).find((e) => e.type === 'agent.error')).toMatchObject({
      code: 'stream.error',
      allow_retry: true,
    });
    const page = await api.get(`/api/v1/dialogs/${dialog}/messages`);
    expect(page.body.data.messages.filter((m: Msg) => m.message_type === 'user').map((m: Msg) => m.sender_id)).toEqual([alice]);
    await ws.close();
  });

  it('answers messages of one dialog in order', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    for (const t of ['one', 'two', 'three']) await send(api, dialog, t);
    await ws.waitUntil(() => ws.received.filter(finished(dialog)).length === 3, 'three runs');
    const replies = ws.received.filter((m) => m.type === 'agent.item.done').map((m) => m.item.content[0].text);
    expect(replies).toEqual(['Echo: one', 'Echo: two', 'Echo: three']);
    // Never two runs of one dialog at once: each run finishes before the next starts.
    const order = ws.received.filter((m) => m.type === 'agent.run.started' || m.type === 'agent.run.finished').map((m) => m.type);
    expect(order).toEqual([
      'agent.run.started',
      'agent.run.finished',
      'agent.run.started',
      'agent.run.finished',
      'agent.run.started',
      'agent.run.finished',
    ]);
    await ws.close();
  });
});

describe('several people and agents', () => {
  it('two agents with every_message each answer each person once, never each other, over WebSocket and SSE', async () => {
    const second = await registerAgent(server, { display_name: 'Second' });
    const [alice, bob] = [unique('alice'), unique('bob')];
    const dialog = await agentDialog(server, [alice, bob], [demo, second]);
    const a = await chatUser(server, alice);
    const b = await chatUser(server, bob);
    const ws = await WsClient.connect(server.url, { token: tokenOf(a) });
    const sse = await SseClient.connect(server.url, tokenOf(b));
    await send(a, dialog, 'from alice');
    await send(b, dialog, 'from bob');
    // Runs of a dialog go in order, so once the four answers to the people are finished, any run an agent's
    // message had triggered would have run before the last of them.
    for (const client of [ws, sse]) await client.waitUntil(() => client.received.filter(finished(dialog)).length >= 4, 'four runs');
    const page = await a.get(`/api/v1/dialogs/${dialog}/messages?limit=50`);
    const texts = page.body.data.messages
      .filter((m: Msg) => m.message_type === 'user')
      .map((m: Msg) => `${m.sender_id}: ${m.content}`)
      .sort();
    expect(texts).toEqual(
      [
        `${alice}: from alice`,
        `${bob}: from bob`,
        `agent:${demo}: <p>Echo: from alice</p>`,
        `agent:${demo}: <p>Echo: from bob</p>`,
        `agent:${second}: <p>Echo: from alice</p>`,
        `agent:${second}: <p>Echo: from bob</p>`,
      ].sort(),
    );
    for (const client of [ws, sse]) expect(client.received.filter(finished(dialog))).toHaveLength(4);
    await ws.close();
    sse.close();
  });

  it('a mention agent answers only when mentioned by id or display name', async () => {
    const shy = await registerAgent(server, { display_name: 'Shy Bot', trigger: 'mention' });
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [shy, demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, 'nobody asked you');
    await send(api, dialog, `hey @${shy} there`);
    await send(api, dialog, 'and @Shy Bot too');
    // The demo agent answers all three; the shy one two.
    await ws.waitUntil(() => ws.received.filter(finished(dialog)).length === 5, 'five runs');
    const shyReplies = ws.received.filter((m) => m.type === 'message.new' && m.sender_id === `agent:${shy}`).map((m) => m.content);
    expect(shyReplies).toEqual([`<p>Echo: hey @${shy} there</p>`, '<p>Echo: and @Shy Bot too</p>']);
    await ws.close();
  });
});

describe('time limit and cancel', () => {
  it('ends a run that takes longer than AGENT_TIMEOUT_SECS with an error and withdraws the half-streamed item', async () => {
    const quick = await startServer({ ...redisEnv(), AGENT_TIMEOUT_SECS: '1' });
    try {
      const bot = await registerAgent(quick, {});
      const alice = unique('alice');
      const dialog = await agentDialog(quick, [alice], [bot]);
      const api = await chatUser(quick, alice);
      const ws = await WsClient.connect(quick.url, { token: tokenOf(api) });
      // '/slow' streams 10 characters 200 ms apart: about 2 s, over the 1 s limit.
      await send(api, dialog, '/slow');
      const end = await ws.waitFor(finished(dialog), 'finished');
      expect(end.status).toBe('failed');
      const events = runEvents(ws.received, end.run_id);
      const added = events.find((e) => e.type === 'agent.item.added')!;
      expect(events.map((e) => e.type).slice(-3)).toEqual(['agent.item.removed', 'agent.error', 'agent.run.finished']);
      expect(events.find((e) => e.type === 'agent.item.removed')!.item_id).toBe(added.item.id);
      expect(events.find((e) => e.type === 'agent.error')).toMatchObject({ code: 'stream.error', allow_retry: true });
      expect(replay(events).size).toBe(0);
      const page = await api.get(`/api/v1/dialogs/${dialog}/messages`);
      expect(page.body.data.messages.some((m: Msg) => m.sender_id === `agent:${bot}`)).toBe(false);
      await ws.close();
    } finally {
      await quick.close();
    }
  });

  it('a participant cancels a running reply; what was streamed is kept', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '/slow');
    const started = await ws.waitFor((m) => m.type === 'agent.run.started' && m.dialog_id === dialog, 'started');
    await ws.waitFor((m) => m.type === 'agent.item.updated' && m.update.type === 'assistant_message.content_part.text_delta', 'a delta');
    const stranger = await chatUser(server, unique('eve'));
    expect((await stranger.post(`/api/v1/dialogs/${dialog}/agent-runs/cancel`, {})).status).toBe(404);
    const res = await api.post(`/api/v1/dialogs/${dialog}/agent-runs/cancel`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.cancelled).toEqual([started.run_id]);
    const end = await ws.waitFor(finished(dialog), 'finished');
    expect(end.status).toBe('cancelled');
    const done = ws.received.find((m) => m.type === 'agent.item.done' && m.run_id === started.run_id);
    const text = textOf(done?.item) ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect('slow reply'.startsWith(text)).toBe(true);
    expect(text).not.toBe('slow reply');
    await ws.close();
  });
});
