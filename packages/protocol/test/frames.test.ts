/**
 * The schema-free frame guards the browser uses agree with the zod schemas: the same event type names as the
 * `DialogEvent` union, and the same verdict on real and broken frames.
 */
import { describe, expect, it } from 'vitest';
import { AgentItemPartialFrame, DIALOG_EVENT_TYPES, DialogEvent, isAgentItemPartialFrame, isDialogEventFrame } from '../src/index.js';

const D = '01900000-0000-7000-8000-000000000001';
const R = '01900000-0000-7000-8000-000000000002';
const M = '01900000-0000-7000-8000-0000000000a1';

describe('frame guards', () => {
  it('know exactly the event types of the DialogEvent union', () => {
    const names = DialogEvent.options.map((o) => o.shape.type.value as string);
    expect([...DIALOG_EVENT_TYPES].sort()).toEqual([...names].sort());
  });

  it('take what the schemas take and route nothing else', () => {
    const ok = [
      { type: 'message.deleted', event_id: 3, id: M, dialog_id: D },
      { type: 'agent.run.finished', event_id: 4, dialog_id: D, run_id: R, status: 'completed' },
    ];
    for (const f of ok) {
      expect(DialogEvent.safeParse(f).success).toBe(true);
      expect(isDialogEventFrame(f)).toBe(true);
    }
    const bad = [
      { type: 'message.teleported', dialog_id: D },
      { type: 'message.deleted', id: M },
      { dialog_id: D },
      { type: 7, dialog_id: D },
    ];
    for (const f of bad) {
      expect(DialogEvent.safeParse(f).success).toBe(false);
      expect(isDialogEventFrame(f as never)).toBe(false);
    }
  });

  it('recognise a streaming item snapshot', () => {
    const item = { id: 'msg_1', thread_id: D, created_at: '2026-01-01T00:00:00Z', type: 'assistant_message', content: [] };
    const frame = { type: 'agent.item.partial', dialog_id: D, run_id: R, item, as_of_event_id: 9 };
    expect(AgentItemPartialFrame.safeParse(frame).success).toBe(true);
    expect(isAgentItemPartialFrame(frame)).toBe(true);
    for (const broken of [
      { ...frame, item: null },
      { ...frame, item: { ...item, id: 1 } },
      { ...frame, run_id: undefined },
      { ...frame, as_of_event_id: 'x' },
    ]) {
      expect(AgentItemPartialFrame.safeParse(broken).success).toBe(false);
      expect(isAgentItemPartialFrame(broken)).toBe(false);
    }
  });
});
