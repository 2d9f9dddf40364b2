/**
 * The demo scenarios' ChatKit streams against the expected transcripts in fixtures/chatkit-transcripts.json
 * (written from the protocol facts; see its _comment), after normalizing ids, times and delta chunking.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgent } from './support/agents.js';
import { unique } from './support/chat.js';
import { chatKitUser, ck, userInput, type Ev } from './support/chatkit.js';
import { redisEnv } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures/chatkit-transcripts.json', import.meta.url), 'utf8')) as Record<
  string,
  Ev[][]
>;
const ID_KEYS = new Set(['id', 'thread_id', 'item_id']);

/** Ids to $1, $2... (one numbering across a scenario's requests), created_at to <time>, delta runs joined. */
function normalizer() {
  const ids = new Map<string, string>();
  const walk = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    if (key === 'created_at') return '<time>';
    if (ID_KEYS.has(key) && typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) {
      if (!ids.has(v)) ids.set(v, `$${ids.size + 1}`);
      return ids.get(v);
    }
    return v;
  };
  return (events: Ev[]): Ev[] => {
    const out: Ev[] = [];
    let run = 0;
    for (const e of events.map((x) => walk(x) as Ev)) {
      const prev = out.at(-1);
      const isDelta = e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta';
      if (isDelta && prev?.type === 'thread.item.updated' && prev.update.type === e.update.type && prev.item_id === e.item_id) {
        prev.update.delta += e.update.delta;
        run += 1;
        continue;
      }
      if (run > 0) expect(run + 1, 'text deltas per content part').toBeGreaterThanOrEqual(2);
      run = 0;
      out.push(e);
    }
    return out;
  };
}

let server: TestServer;
let demo = '';
beforeAll(async () => {
  server = await startServer(redisEnv());
  demo = await registerAgent(server, {});
});
afterAll(async () => {
  await server?.close();
});

describe('ChatKit transcripts of the demo scenarios', () => {
  const scenarios: Record<string, (send: (type: string, params: Record<string, unknown>) => Promise<Ev[]>) => Promise<void>> = {
    echo: async (send) => void (await send('threads.create', { input: userInput('hello') })),
    widget_action: async (send) => {
      const first = await send('threads.create', { input: userInput('/widget') });
      await send('threads.custom_action', {
        thread_id: first[0]!.thread.id,
        item_id: first.at(-1)!.item.id,
        action: { type: 'demo.approve', payload: {} },
      });
    },
    client_tool: async (send) => {
      const first = await send('threads.create', { input: userInput('/tool') });
      await send('threads.add_client_tool_output', { thread_id: first[0]!.thread.id, result: { lat: 1 } });
    },
    fail: async (send) => void (await send('threads.create', { input: userInput('/fail') })),
  };
  for (const [name, play] of Object.entries(scenarios)) {
    it(name, async () => {
      const api = await chatKitUser(server, unique('alice'), demo, { profile: { display_name: 'Alice' } });
      const normalize = normalizer();
      const got: Ev[][] = [];
      await play(async (type, params) => {
        const res = await ck(api, type, params);
        expect(res.status, res.text).toBe(200);
        got.push(normalize(structuredClone(res.events)));
        return res.events;
      });
      expect(got).toEqual(FIXTURES[name]);
    });
  }
});
