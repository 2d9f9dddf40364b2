/**
 * An agent reply survives what happens to connections and instances: a client that connects or resumes
 * mid-stream gets the partial item and then the rest; a run in flight when its instance stops is ended after
 * the restart with an error, its half-streamed item withdrawn, nothing stored twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatUser, send, unique } from './support/chat.js';
import { agentDialog, registerAgent, replay, textOf } from './support/agents.js';
import { redisEnv, SseClient, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { restartServer } from './support/restart.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let demo = '';

beforeAll(async () => {
  server = await startServer({ ...redisEnv(), AGENT_LEASE_SECS: '1' });
  demo = await registerAgent(server, {});
});
afterAll(async () => {
  await server?.close();
});

const isDelta = (m: Msg) => m.type === 'agent.item.updated' && m.update.type === 'assistant_message.content_part.text_delta';

describe('mid-stream connections', () => {
  it('a connection opened mid-stream gets the partial item, then the rest (WebSocket and SSE)', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const first = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '/slow');
    await first.waitUntil(() => first.received.filter(isDelta).length >= 3, 'three deltas');
    const late = await WsClient.connect(server.url, { token: tokenOf(api) });
    const lateSse = await SseClient.connect(server.url, tokenOf(api));
    for (const client of [late, lateSse]) {
      const partial = await client.waitFor((m) => m.type === 'agent.item.partial' && m.dialog_id === dialog, 'partial');
      expect(partial.item.type).toBe('assistant_message');
      const soFar = textOf(partial.item)!;
      expect(soFar.length).toBeGreaterThanOrEqual(3);
      expect('slow reply'.startsWith(soFar)).toBe(true);
      const done = await client.waitFor((m) => m.type === 'agent.item.done' && m.dialog_id === dialog, 'done');
      // The partial item plus the updates after its position rebuild the whole reply.
      const later = client.received.filter(
        (m) =>
          m.run_id === partial.run_id &&
          typeof m.event_id === 'number' &&
          m.event_id > partial.as_of_event_id &&
          m.type === 'agent.item.updated',
      );
      expect(textOf(replay([partial, ...later]).get(partial.item.id))).toBe('slow reply');
      expect(textOf(done.item)).toBe('slow reply');
    }
    await Promise.all([first.close(), late.close()]);
    lateSse.close();
  });

  it('a client that resumes with last_event_id mid-stream misses nothing', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    await send(api, dialog, '/slow');
    await ws.waitUntil(() => ws.received.filter(isDelta).length >= 2, 'two deltas');
    ws.kill();
    const seen = ws.events();
    const cursor = seen[seen.length - 1]!.event_id as number;
    const resumed = await WsClient.connect(server.url, { token: tokenOf(api), lastEventId: cursor });
    await resumed.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, 'finished');
    const all = [...seen, ...resumed.events()].filter((m) => m.dialog_id === dialog);
    const ids = all.map((m) => m.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const added = all.find((m) => m.type === 'agent.item.added')!;
    const pendingOnly = all.filter((m) => m.type !== 'agent.item.done');
    expect(textOf(replay(pendingOnly).get(added.item.id))).toBe('slow reply');
    await resumed.close();
  });
});

describe('restart in the middle of a run', () => {
  it('ends the interrupted run with an error after the restart, withdraws its item, and stores nothing twice', async () => {
    const alice = unique('alice');
    const dialog = await agentDialog(server, [alice], [demo]);
    const api = await chatUser(server, alice);
    const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
    const sent = await send(api, dialog, '/slow');
    await ws.waitUntil(() => ws.received.filter((m) => isDelta(m) && m.dialog_id === dialog).length >= 2, 'two deltas');
    const added = ws.received.find((m) => m.type === 'agent.item.added' && m.dialog_id === dialog)!;
    server = await restartServer(server, { ...redisEnv(), AGENT_LEASE_SECS: '1' });
    const seen = ws.events();
    const cursor = seen[seen.length - 1]!.event_id as number;
    const api2 = await chatUser(server, alice);
    const after = await WsClient.connect(server.url, { token: tokenOf(api2), lastEventId: cursor });
    const end = await after.waitFor((m) => m.type === 'agent.run.finished' && m.dialog_id === dialog, 'finished after restart');
    expect(end.status).toBe('failed');
    const tail = after
      .events()
      .filter((m) => m.run_id === added.run_id)
      .map((m) => m.type);
    expect(tail.slice(-3)).toEqual(['agent.item.removed', 'agent.error', 'agent.run.finished']);
    expect(after.received.find((m) => m.type === 'agent.item.removed')!.item_id).toBe(added.item.id);
    expect(after.received.find((m) => m.type === 'agent.error')).toMatchObject({ code: 'stream.error', allow_retry: true });
    const page = await api2.get(`/api/v1/dialogs/${dialog}/messages`);
    const userMessages = page.body.data.messages.filter((m: Msg) => m.message_type === 'user');
    expect(userMessages.map((m: Msg) => m.id)).toEqual([sent.id]);
    // The dialog goes on: the next message is answered.
    await send(api2, dialog, 'still there?');
    const next = await after.waitFor((m) => m.type === 'message.new' && m.sender_id === `agent:${demo}`, 'next reply');
    expect(next.content).toBe('<p>Echo: still there?</p>');
    await after.close();
  });
});
