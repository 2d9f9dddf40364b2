/**
 * The OpenAI-compatible agent against a local fake chat-completions server that streams like the real API:
 * instructions as the system message, history with speaker names in a multi-party dialog, the key only in the
 * Authorization header (never logged), 429 then success, a 5xx then success, and a cut stream (error, withdrawn).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { agentDialog, registerAgent, runEvents } from './support/agents.js';
import { redisEnv, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

const KEY = 'sk-test-key-never-logged-91c2';
type Plan = 'ok' | '429' | '503' | 'cut';
const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

/** Answers per the plan queued for the next request; records requests. */
class FakeOpenAi {
  readonly requests: { headers: http.IncomingHttpHeaders; body: any; url: string }[] = [];
  readonly plans: Plan[] = [];
  private readonly server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += String(c)));
    req.on('end', () => {
      this.requests.push({ headers: req.headers, body: JSON.parse(raw), url: req.url ?? '' });
      const plan = this.plans.shift() ?? 'ok';
      if (plan === '429' || plan === '503') {
        res.writeHead(Number(plan), { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(JSON.stringify({ error: { message: 'slow down' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Hello'));
      res.write(chunk(', world'));
      if (plan === 'cut') return void setImmediate(() => res.socket?.destroy());
      res.write(chunk('', 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }
  async close() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let server: TestServer;
let fake: FakeOpenAi;
let gpt = '';
const logs: string[] = [];

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  server = await startServer({ ...redisEnv(), LOG_LEVEL: 'debug' }, { logLines: logs });
  gpt = await registerAgent(server, {
    kind: 'openai',
    display_name: 'GPT',
    base_url: fake.url,
    model: 'test-model',
    api_key: KEY,
    instructions: 'Be brief.',
  });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

async function converse(people: string[], lines: [number, string][]) {
  const dialog = await agentDialog(server, people, [gpt]);
  const apis = await Promise.all(people.map((p) => chatUser(server, p)));
  const ws = await WsClient.connect(server.url, { token: tokenOf(apis[0]!) });
  for (const [who, text] of lines) await send(apis[who]!, dialog, text);
  return { dialog, apis, ws };
}

describe('openai-compatible agent', () => {
  it('streams a reply after a 429, sending instructions, history with names and the key', async () => {
    const [alice, bob] = [unique('alice'), unique('bob')];
    fake.plans.push('429');
    const before = fake.requests.length;
    const { dialog, ws, apis } = await converse([alice, bob], [[0, 'hi all']]);
    const end = await ws.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, 'first reply');
    expect(end.status).toBe('completed');
    expect(fake.requests.length - before).toBe(2);
    const req = fake.requests.at(-1)!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toMatchObject({ model: 'test-model', stream: true });
    expect(req.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `${alice.toUpperCase()}: hi all` },
    ]);
    const deltas = runEvents(ws.received, end.run_id).filter(
      (e) => e.type === 'agent.item.updated' && e.update.type === 'assistant_message.content_part.text_delta',
    );
    expect(deltas.map((d) => d.update.delta)).toEqual(['Hello', ', world']);
    const reply = await ws.waitFor((m) => m.type === 'message.new' && m.sender_id === `agent:${gpt}`, 'message.new');
    expect(reply.content).toBe('<p>Hello, world</p>');

    // The next turn carries the agent's own reply as `assistant`, and Bob by name.
    await send(apis[1]!, dialog, 'and me');
    await ws.waitUntil(
      () => ws.received.filter((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog).length === 2,
      'second reply',
    );
    expect(fake.requests.at(-1)!.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `${alice.toUpperCase()}: hi all` },
      { role: 'assistant', content: 'Hello, world' },
      { role: 'user', content: `${bob.toUpperCase()}: and me` },
    ]);
    await ws.close();
  });

  it('retries a 5xx, and sends plain text without names when one person talks', async () => {
    fake.plans.push('503');
    const { dialog, ws } = await converse([unique('solo')], [[0, 'just me']]);
    const end = await ws.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, 'reply');
    expect(end.status).toBe('completed');
    expect(fake.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: 'user', content: 'just me' });
    await ws.close();
  });

  it('a cut stream ends the run with an error and withdraws the partial reply', async () => {
    fake.plans.push('cut');
    const { dialog, ws, apis } = await converse([unique('carol')], [[0, 'go']]);
    const end = await ws.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, 'run');
    expect(end.status).toBe('failed');
    const events = runEvents(ws.received, end.run_id);
    expect(events.map((e) => e.type).slice(-3)).toEqual(['agent.item.removed', 'agent.error', 'agent.run.finished']);
    const page = await apis[0]!.get(`/api/v1/dialogs/${dialog}/messages`);
    expect(page.body.data.messages.some((m: Msg) => m.sender_id === `agent:${gpt}`)).toBe(false);
    expect(logs.some((l) => l.includes(end.run_id) && l.includes('cut'))).toBe(true);
    await ws.close();
  });

  it('never logs the key', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).not.toContain(KEY);
  });
});
