/**
 * @module agents/kinds/demo: the built-in deterministic agent (spec agents.md §4), so the demo and the tests
 * need nothing outside: `/widget`, `/tool`, `/fail`, `/slow`, otherwise `Echo: <text>` streamed the way
 * chatkit-python's stream_agent_response does (added, content_part.added, ≥2 text deltas, content_part.done, done).
 */
import type { ThreadItem } from '@parley/protocol';
import { pause, type AgentKind, type AgentRequest } from './types.js';

const now = () => new Date().toISOString();

/** The input text T: the user message's input_text parts joined. */
export function inputText(item: ThreadItem | null): string {
  if (item?.type !== 'user_message') return '';
  return item.content
    .filter((c) => c.type === 'input_text')
    .map((c) => String((c as { text?: unknown }).text ?? ''))
    .join('');
}

function item<T extends Record<string, unknown>>(req: AgentRequest, id: string, fields: T) {
  return { id, thread_id: req.thread.id, created_at: now(), ...fields };
}

/** Splits text into at least two non-empty chunks (one character alone stays one chunk). */
function chunks(text: string): string[] {
  if (text.length < 2) return [text];
  const n = Math.min(4, text.length);
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function* assistantMessage(req: AgentRequest, text: string, delayMs = 0): AsyncGenerator<unknown> {
  const id = 'msg_demo';
  const empty = { type: 'output_text', text: '', annotations: [] };
  yield { type: 'thread.item.added', item: item(req, id, { type: 'assistant_message', content: [] }) };
  yield {
    type: 'thread.item.updated',
    item_id: id,
    update: { type: 'assistant_message.content_part.added', content_index: 0, content: empty },
  };
  for (const delta of delayMs > 0 ? [...text] : chunks(text)) {
    if (delayMs > 0) await pause(delayMs, req.signal);
    yield {
      type: 'thread.item.updated',
      item_id: id,
      update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta },
    };
  }
  const done = { type: 'output_text', text, annotations: [] };
  yield {
    type: 'thread.item.updated',
    item_id: id,
    update: { type: 'assistant_message.content_part.done', content_index: 0, content: done },
  };
  yield { type: 'thread.item.done', item: item(req, id, { type: 'assistant_message', content: [done] }) };
}

/** The demo's widget (exported for the conformance check against @openai/chatkit's widget types). */
export const approvalCard = () => ({
  type: 'Card' as const,
  children: [
    { type: 'Text' as const, id: 'q', value: 'Approve this order?' },
    { type: 'Button' as const, label: 'Approve', onClickAction: { type: 'demo.approve', payload: {} } },
  ],
});

export const approvedCard = (name: string) => ({
  type: 'Card' as const,
  children: [{ type: 'Text' as const, id: 'q', value: `Approved by ${name}` }],
});

export const demoAgent: AgentKind = async function* (req) {
  if (req.type === 'action') {
    if (req.action?.type !== 'demo.approve' || req.sender?.type !== 'widget') return;
    const card = approvedCard(req.user?.display_name ?? 'someone');
    const text = card.children[0]!.value;
    yield { type: 'thread.item.replaced', item: { ...req.sender, widget: card, copy_text: text } };
    yield* assistantMessage(req, 'Approved.');
    return;
  }
  if (req.input === null) {
    // After a client tool output: answer with what the tool returned.
    const call = [...req.items].reverse().find((i) => i.type === 'client_tool_call');
    if (call?.type === 'client_tool_call' && call.status === 'completed') {
      yield* assistantMessage(req, `Tool result: ${JSON.stringify((call as { output?: unknown }).output ?? null)}`);
    }
    return;
  }
  const text = inputText(req.input);
  switch (text) {
    case '/widget':
      yield {
        type: 'thread.item.done',
        item: item(req, 'wd_demo', { type: 'widget', widget: approvalCard(), copy_text: 'Approve this order?' }),
      };
      return;
    case '/tool':
      yield {
        type: 'thread.item.done',
        item: item(req, 'tc_demo', {
          type: 'client_tool_call',
          status: 'pending',
          call_id: 'call_demo',
          name: 'get_location',
          arguments: {},
        }),
      };
      return;
    case '/fail':
      yield { type: 'error', code: 'stream.error', allow_retry: true };
      return;
    case '/slow':
      yield* assistantMessage(req, 'slow reply', 200);
      return;
    default:
      yield* assistantMessage(req, `Echo: ${text}`);
  }
};
