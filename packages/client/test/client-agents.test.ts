/**
 * The client and an agent reply: typed agent events, and a store whose pending item grows delta by delta while
 * the demo agent streams, then gives way to the finished message; a client that connects mid-stream starts
 * from the partial item.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { selectAgentItems, type ClientEvents } from '../src/index.js';
import { closeClients, nodeClient, uid } from './support/clients.js';
import { eventually } from '../../server/test/support/poll.js';
import { hostBackend, type HostBackend } from './support/host.js';

let server: TestServer;
let host: HostBackend;
let agent = '';

beforeAll(async () => {
  server = await startServer();
  host = hostBackend(() => server.url, server.adminToken);
  agent = uid('demo');
  expect((await server.admin.post('/api/v1/management/agents', { id: agent, display_name: 'Demo', kind: 'demo' })).status).toBe(201);
});
afterEach(() => closeClients());
afterAll(async () => server.close());

async function agentDialog(user: string): Promise<string> {
  const res = await server.admin.post('/api/v1/management/dialogs', {
    object_id: uid('obj'),
    object_type: 'order',
    participants: [{ user_id: user, display_name: 'Alice' }, { user_id: `agent:${agent}` }],
  });
  expect(res.status).toBe(200);
  return res.body.data.id;
}

const textOf = (item: { type: string; content?: { text: string }[] } | undefined) => (item?.content ?? []).map((c) => c.text).join('');

describe('agent replies in the client', () => {
  it('emits typed agent events and shows the reply growing in the store, then the message', async () => {
    const alice = uid('alice');
    const dialog = await agentDialog(alice);
    const client = nodeClient(server.url, host.auth(alice));
    await client.connect();
    const seen: string[] = [];
    const events: ClientEvents['agent.*'][] = [];
    client.on('agent.*', (e) => events.push(e));
    const off = client.state.subscribe((s) => {
      const text = textOf(selectAgentItems(s, dialog)[0]?.item as never);
      if (text && seen.at(-1) !== text) seen.push(text);
    });
    await client.messages.send(dialog, '/slow');
    const done = await eventually(() => events.find((e) => e.type === 'agent.item.done'), 'the finished item');
    await eventually(() => events.some((e) => e.type === 'agent.run.finished'), 'the run finished');
    expect((done as { item: { id: string } }).item.id).toBeTruthy();
    off();
    // One more character each time, exactly as streamed.
    expect(seen).toEqual(['s', 'sl', 'slo', 'slow', 'slow ', 'slow r', 'slow re', 'slow rep', 'slow repl', 'slow reply']);
    expect(selectAgentItems(client.state.get(), dialog)).toEqual([]);
    expect(events.map((e) => e.type)[0]).toBe('agent.run.started');
    expect(events.at(-1)!.type).toBe('agent.run.finished');
  });

  it('a client that connects mid-stream starts from the partial item', async () => {
    const alice = uid('alice');
    const dialog = await agentDialog(alice);
    const first = nodeClient(server.url, host.auth(alice));
    await first.connect();
    await first.messages.send(dialog, '/slow');
    await eventually(() => textOf(selectAgentItems(first.state.get(), dialog)[0]?.item as never).length >= 3, 'three characters');
    const late = nodeClient(server.url, host.auth(alice));
    const partials: ClientEvents['agent.item.partial'][] = [];
    late.on('agent.item.partial', (p) => partials.push(p));
    const seen: string[] = [];
    late.state.subscribe((s) => {
      const text = textOf(selectAgentItems(s, dialog)[0]?.item as never);
      if (text && seen.at(-1) !== text) seen.push(text);
    });
    await late.connect();
    await eventually(() => seen.at(-1) === 'slow reply', 'the whole reply');
    expect(partials).toHaveLength(1);
    // It never saw the reply from its start: the first state it showed was the partial item, then it grew.
    expect(seen[0]!.length).toBeGreaterThanOrEqual(3);
    expect(seen[0]).toBe(textOf(partials[0]!.item as never));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);
  });
});
