/**
 * The HTTP agent protocol against a scripted agent service: signed requests with the thread, history and
 * input; the streamed items stored under Parley's own ids; and every bad agent (non-2xx, not SSE, bad JSON,
 * unknown event, invalid widget, cut stream, unfinished item, timeout) ends the run with an error event and a
 * log line, keeping what was complete and withdrawing what was half-streamed. The secret is never logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { agentDialog, registerAgent, runEvents, textOf } from './support/agents.js';
import { chatKitUser, ck, userInput } from './support/chatkit.js';
import { FakeAgent, sse, type Script } from './support/fake-agent.js';
import { redisEnv, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

const SECRET = 'agent-signing-secret-do-not-log-7f3a';
const now = () => new Date().toISOString();
const assistant = (id: string, text: string) => ({
  id,
  thread_id: 'thr_theirs',
  created_at: now(),
  type: 'assistant_message',
  content: [{ type: 'output_text', text, annotations: [] }],
});
const pending = (id: string) => ({ type: 'thread.item.added', item: { ...assistant(id, ''), content: [] } });
const delta = (id: string, d: string) => ({
  type: 'thread.item.updated',
  item_id: id,
  update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: d },
});

const SCRIPTS: Record<string, Script> = {
  ok: (_c, res) =>
    sse(res, [
      pending('msg_1'),
      delta('msg_1', 'Hi '),
      delta('msg_1', 'there'),
      { type: 'thread.item.done', item: assistant('msg_1', 'Hi there') },
    ]),
  status: (_c, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":"down"}');
  },
  notsse: (_c, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  },
  badjson: (_c, res) => sse(res, [pending('m'), 'data: {not json\n\n']),
  unknown: (_c, res) => sse(res, [{ type: 'thread.item.teleported', item_id: 'x' }]),
  widget: (_c, res) =>
    sse(res, [
      {
        type: 'thread.item.done',
        item: {
          id: 'w',
          thread_id: 't',
          created_at: now(),
          type: 'widget',
          widget: { type: 'Card', children: [{ type: 'Blink', value: 'x' }] },
        },
      },
    ]),
  cut: (_c, res) =>
    sse(res, [{ type: 'thread.item.done', item: assistant('a', 'complete part') }, pending('b'), delta('b', 'half')], 'cut'),
  unfinished: (_c, res) => sse(res, [pending('u'), delta('u', 'never done')]),
  hang: (_c, res) => sse(res, [pending('h'), delta('h', 'waiting')], 'hang'),
  signals: (_c, res) =>
    sse(res, [
      { type: 'progress_update', text: 'Thinking', icon: 'atom' },
      { type: 'client_effect', name: 'confetti', data: { n: 3 } },
      { type: 'notice', level: 'info', message: 'Heads up' },
      { type: 'thread.item.done', item: assistant('s', 'done') },
    ]),
};

let server: TestServer;
let agent: FakeAgent;
let bot = '';
const logs: string[] = [];

beforeAll(async () => {
  agent = await new FakeAgent(SECRET, (text) => SCRIPTS[text] ?? SCRIPTS.ok!).start();
  server = await startServer({ ...redisEnv(), AGENT_TIMEOUT_SECS: '2', LOG_LEVEL: 'debug' }, { logLines: logs });
  bot = await registerAgent(server, { kind: 'http', display_name: 'Remote', url: agent.url, secret: SECRET });
});
afterAll(async () => {
  await server?.close();
  await agent?.close();
});

async function runOnce(text: string) {
  const alice = unique('alice');
  const dialog = await agentDialog(server, [alice], [bot]);
  const api = await chatUser(server, alice);
  const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
  const sent = await send(api, dialog, text);
  const end = await ws.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, `run for ${text}`);
  const events = runEvents(ws.received, end.run_id);
  const page = await api.get(`/api/v1/dialogs/${dialog}/messages`);
  await ws.close();
  const stored = page.body.data.messages.filter((m: Msg) => m.sender_id === `agent:${bot}`);
  return { alice, dialog, sent, end, events, stored, ws };
}

describe('a well-behaved http agent', () => {
  it('gets a signed request with the thread, the history and the input, and its items are stored under Parley ids', async () => {
    const { alice, dialog, sent, end, events, stored } = await runOnce('ok');
    expect(end.status).toBe('completed');
    const call = agent.calls.find((c) => c.body.thread?.id === dialog)!;
    expect(call.signatureValid).toBe(true);
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.accept).toBe('text/event-stream');
    expect(Math.abs(Number(call.headers['x-parley-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(call.body).toMatchObject({
      type: 'respond',
      agent_id: bot,
      thread: { id: dialog, object_type: 'order' },
      user: { id: alice, display_name: alice.toUpperCase() },
      input: { id: sent.id, type: 'user_message', thread_id: dialog, content: [{ type: 'input_text', text: 'ok' }] },
    });
    expect(call.body.items.at(-1).id).toBe(sent.id);
    const done = events.find((e) => e.type === 'agent.item.done')!;
    expect(done.item.id).not.toBe('msg_1');
    expect(done.item.thread_id).toBe(dialog);
    expect(stored.map((m: Msg) => [m.id, m.content])).toEqual([[done.item.id, '<p>Hi there</p>']]);
  });
});

describe('transient signals', () => {
  it('relays progress_update, client_effect and notice to WebSocket clients and ChatKit streams, storing none', async () => {
    const signals = [
      { type: 'progress_update', text: 'Thinking', icon: 'atom' },
      { type: 'client_effect', name: 'confetti', data: { n: 3 } },
      { type: 'notice', level: 'info', message: 'Heads up' },
    ];
    const { end, events, stored } = await runOnce('signals');
    expect(end.status).toBe('completed');
    expect(events.filter((e) => e.type === 'agent.signal').map((e) => e.event)).toEqual(signals);
    expect(stored.map((m: Msg) => m.content)).toEqual(['<p>done</p>']);
    const api = await chatKitUser(server, unique('sam'), bot);
    const res = await ck(api, 'threads.create', { input: userInput('signals') });
    expect(res.events.slice(3).map((e) => e.type)).toEqual(['progress_update', 'client_effect', 'notice', 'thread.item.done']);
    expect(res.events.slice(3, 6)).toEqual(signals);
  });
});

describe('a bad http agent ends the run with an error event and a log line', () => {
  const cases: [string, string][] = [
    ['status', 'HTTP 503'],
    ['notsse', 'not text/event-stream'],
    ['badjson', 'not JSON'],
    ['unknown', 'invalid event'],
    ['widget', 'invalid event'],
    ['cut', 'cut'],
    ['unfinished', 'unfinished item'],
    ['hang', 'timeout'],
  ];
  it.each(cases)('%s', async (text, reason) => {
    const { end, events, stored } = await runOnce(text);
    expect(end.status).toBe('failed');
    expect(events.find((e) => e.type === 'agent.error')).toMatchObject({ code: 'stream.error', allow_retry: true });
    // Every announced item was finished or withdrawn.
    const added = events.filter((e) => e.type === 'agent.item.added').map((e) => e.item.id);
    const closed = events
      .filter((e) => e.type === 'agent.item.done' || e.type === 'agent.item.removed')
      .map((e) => e.item?.id ?? e.item_id);
    expect(closed).toEqual(expect.arrayContaining(added));
    if (text === 'cut') {
      // What was complete stays; the half-streamed item is withdrawn.
      expect(stored.map((m: Msg) => m.content)).toEqual(['<p>complete part</p>']);
      expect(textOf(events.find((e) => e.type === 'agent.item.done')?.item)).toBe('complete part');
      expect(events.some((e) => e.type === 'agent.item.removed')).toBe(true);
    } else expect(stored).toEqual([]);
    const line = logs.find((l) => l.includes(end.run_id) && l.includes('agent run failed'));
    expect(line, `log line for ${text}`).toBeDefined();
    expect(JSON.parse(line!).reason).toContain(reason);
  });

  it('never logs the secret', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).not.toContain(SECRET);
  });
});
