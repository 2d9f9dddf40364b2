/** Agent test helpers: register agents and put them in dialogs through the Management API; read a run's events. */
import { expect } from 'vitest';
import { applyItemUpdate, type ThreadItem } from '@parley/protocol';
import { unique } from './chat.js';
import { createDialog, person } from './fixtures.js';
import type { Msg } from './realtime.js';
import type { TestServer } from './server.js';

const M = '/api/v1/management';

export async function registerAgent(server: TestServer, body: Record<string, unknown>): Promise<string> {
  const id = (body.id as string | undefined) ?? unique('agent');
  const res = await server.admin.post(`${M}/agents`, { display_name: 'Demo', kind: 'demo', ...body, id });
  expect(res.status, res.text).toBe(201);
  return id;
}

/** A dialog with these people and agents (agent ids, without the `agent:` prefix). */
export async function agentDialog(server: TestServer, people: string[], agents: string[]): Promise<string> {
  const d = await createDialog(server, {
    participants: [...people.map((p) => person(p)), ...agents.map((a) => ({ user_id: `agent:${a}` }) as never)],
  });
  return d.id;
}

/** The agent events of one run, in the order received. */
export const runEvents = (received: Msg[], runId: string) => received.filter((m) => m.run_id === runId);

/** Rebuilds the items of a run from its added/updated/done/removed events, as a client's store would. */
export function replay(events: Msg[]): Map<string, ThreadItem> {
  const items = new Map<string, ThreadItem>();
  for (const e of events) {
    if (
      e.type === 'agent.item.added' ||
      e.type === 'agent.item.partial' ||
      e.type === 'agent.item.done' ||
      e.type === 'agent.item.replaced'
    )
      items.set(e.item.id, e.item);
    else if (e.type === 'agent.item.updated') items.set(e.item_id, applyItemUpdate(items.get(e.item_id)!, e.update));
    else if (e.type === 'agent.item.removed') items.delete(e.item_id);
  }
  return items;
}

export const textOf = (item: ThreadItem | undefined) =>
  item?.type === 'assistant_message' ? item.content.map((c) => c.text).join('') : undefined;
