/**
 * Golden transcripts: the demo scenarios as chatkit-python itself answers them (fixtures/chatkit-golden, recorded by
 * golden/record_chatkit_python.py with a respond() scripted as the demo agent), replayed against Parley's /chatkit
 * with the demo agent and compared after normalizing ids ($1, $2... in order of appearance), times and text-delta
 * chunking. Deliberate differences, undone here before comparing and each checked on its own:
 * - retry_after_item: Parley announces every item it drops with `thread.item.removed` (chatkit-python deletes
 *   silently);
 * - widgets: chatkit-python's models fill ActionConfig defaults (`handler`, `loadingBehavior`, `streaming`);
 *   Parley streams and stores a widget as the agent wrote it (clients apply the same defaults).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgent } from './support/agents.js';
import { unique } from './support/chat.js';
import { chatKitUser, ck, type Ev } from './support/chatkit.js';
import { redisEnv } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

interface Step {
  request: { type: string; params: Record<string, unknown> };
  events?: Ev[];
  response?: unknown;
}

const DIR = new URL('./fixtures/chatkit-golden/', import.meta.url);
const SCENARIOS = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.slice(0, -'.json'.length), JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Step[]] as const);

const ID_KEYS = new Set(['id', 'thread_id', 'item_id', 'after']);
const ACTION_DEFAULTS = { handler: 'server', loadingBehavior: 'auto', streaming: true } as const;

/** The recorder's normalization, on Parley's side: ids to $n (remembering which is which), created_at to <time>. */
function normalizer() {
  const ids = new Map<string, string>();
  const idOf = (v: string) => {
    if (!ids.has(v)) ids.set(v, `$${ids.size + 1}`);
    return ids.get(v)!;
  };
  const walk = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return key === 'item_ids' ? v.map((x) => idOf(String(x))) : v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'widget' ? x : walk(x, k)]));
    if (key === 'created_at') return '<time>';
    if (ID_KEYS.has(key) && typeof v === 'string') return idOf(v);
    return v;
  };
  /** A recorded request with $n put back to the ids Parley gave. */
  const concrete = (v: unknown): unknown => {
    if (typeof v === 'string' && /^\$\d+$/.test(v)) {
      const real = [...ids].find(([, n]) => n === v)?.[0];
      expect(real, `the transcript names ${v} before Parley showed it`).toBeDefined();
      return real;
    }
    if (Array.isArray(v)) return v.map(concrete);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, concrete(x)]));
    return v;
  };
  return { walk, concrete };
}

/** Runs of text deltas of one content part joined into one (both sides chunk as they like; at least two). */
function joinDeltas(events: Ev[]): Ev[] {
  const out: Ev[] = [];
  for (const e of structuredClone(events)) {
    const prev = out.at(-1);
    const isDelta = e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta';
    if (isDelta && prev?.type === 'thread.item.updated' && prev.update.type === e.update.type && prev.item_id === e.item_id) {
      prev.update.delta += e.update.delta;
      prev.update.runs += 1;
      continue;
    }
    if (isDelta) e.update.runs = 1;
    out.push(e);
  }
  for (const e of out) if (e.update?.runs !== undefined) expect(e.update.runs, 'text deltas per content part').toBeGreaterThanOrEqual(2);
  for (const e of out) if (e.update?.runs !== undefined) delete e.update.runs;
  return out;
}

/** chatkit-python's ActionConfig defaults taken out of a recorded widget (see the header). */
function withoutActionDefaults(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutActionDefaults);
  if (!v || typeof v !== 'object') return v;
  const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutActionDefaults(x)]));
  if (typeof o.type === 'string' && 'loadingBehavior' in o) {
    for (const [k, d] of Object.entries(ACTION_DEFAULTS)) if (o[k] === d) delete o[k];
  }
  return o;
}

let server: TestServer;
let demo = '';
beforeAll(async () => {
  server = await startServer(redisEnv());
  demo = await registerAgent(server, { display_name: 'Demo Bot' });
});
afterAll(async () => {
  await server?.close();
});

describe('ChatKit golden transcripts recorded from chatkit-python', () => {
  it('has the demo scenarios', () => {
    expect(SCENARIOS.map(([name]) => name).sort()).toEqual(
      ['client_tool', 'echo', 'fail', 'feedback', 'items_paging', 'retry', 'threads', 'widget_action'].sort(),
    );
  });

  for (const [name, steps] of SCENARIOS) {
    it(name, async () => {
      const api = await chatKitUser(server, unique('alice'), demo, { profile: { display_name: 'Alice' } });
      const { walk, concrete } = normalizer();
      for (const step of steps) {
        const params = concrete(step.request.params) as Record<string, unknown>;
        const res = await ck(api, step.request.type, params);
        expect(res.status, `${step.request.type}: ${res.text}`).toBe(200);
        if (step.events) {
          let got = joinDeltas(walk(res.events) as Ev[]);
          if (step.request.type === 'threads.retry_after_item') {
            // Parley's deliberate addition: the dropped items are announced, before stream_options.
            const removed = got.filter((e) => e.type === 'thread.item.removed');
            expect(removed.length, 'thread.item.removed for every item after the retried one').toBeGreaterThan(0);
            expect(got.indexOf(removed.at(-1)!)).toBeLessThan(got.findIndex((e) => e.type === 'stream_options'));
            got = got.filter((e) => e.type !== 'thread.item.removed');
          }
          expect(got, `${step.request.type} events`).toEqual(joinDeltas(withoutActionDefaults(step.events) as Ev[]));
        } else {
          expect(walk(res.body), `${step.request.type} answer`).toEqual(step.response);
        }
      }
    });
  }
});
