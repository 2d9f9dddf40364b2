/**
 * @module agents/kinds/openai: any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, LM Studio),
 * streamed. `instructions` is the system message; the history becomes user/assistant messages (this agent's
 * own replies are `assistant`; everyone else speaks as `user`, prefixed with their name when the dialog has
 * more than one other participant). 429 and 5xx are retried with backoff (honouring Retry-After) until the first byte of
 * an answer; the API key goes only into the Authorization header, never into a log line or an error.
 */
import type { ThreadItem } from '@parley/protocol';
import { retryDelayMs } from '../../jobs/backoff.js';
import { sseData } from '../sse-reader.js';
import { inputText } from './demo.js';
import { AgentFailure, pause, type AgentKind, type AgentRequest } from './types.js';

const ATTEMPTS = 4;
const MAX_RETRY_MS = 20_000;

interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

function itemText(item: ThreadItem): string {
  switch (item.type) {
    case 'user_message':
      return inputText(item);
    case 'assistant_message':
      return item.content.map((c) => c.text).join('\n\n');
    case 'widget':
      return item.copy_text ?? '';
    default:
      return '';
  }
}

/** The chat-completions messages for a run. */
export function chatMessages(req: AgentRequest): ChatMessage[] {
  const self = `agent:${req.agent.id}`;
  // Multi-party: more than one other participant (people and other agents) could have said it.
  const named = [...req.names.keys()].filter((id) => id !== self).length > 1;
  const out: ChatMessage[] = [];
  if (req.agent.options.instructions) out.push({ role: 'system', content: req.agent.options.instructions });
  for (const item of req.items) {
    const text = itemText(item).trim();
    if (!text) continue;
    const sender = req.senders.get(item.id) ?? '';
    if (sender === self) out.push({ role: 'assistant', content: text });
    else out.push({ role: 'user', content: named ? `${req.names.get(sender) ?? sender}: ${text}` : text });
  }
  return out;
}

async function post(req: AgentRequest, body: string): Promise<Response> {
  const base = (req.agent.options.base_url ?? '').replace(/\/+$/, '');
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  if (req.agent.secret) headers.Authorization = `Bearer ${req.agent.secret}`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${base}/chat/completions`, { method: 'POST', headers, body, signal: req.signal });
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason;
      if (attempt >= ATTEMPTS) throw new AgentFailure(`could not reach the model server: ${(err as Error).message}`);
      await pause(retryDelayMs(attempt, 500, MAX_RETRY_MS), req.signal);
      continue;
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => {});
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= ATTEMPTS) throw new AgentFailure(`the model server answered HTTP ${res.status}`);
    const after = Number(res.headers.get('retry-after'));
    const delay =
      Number.isFinite(after) && after >= 0 && res.headers.get('retry-after') !== null
        ? Math.min(after * 1000, MAX_RETRY_MS)
        : retryDelayMs(attempt, 500, MAX_RETRY_MS);
    req.log.info({ status: res.status, attempt, delay_ms: delay }, 'openai agent: retrying');
    await pause(delay, req.signal);
  }
}

export const openAiAgent: AgentKind = async function* (req) {
  if (req.type !== 'respond') return;
  const body = JSON.stringify({ model: req.agent.options.model, messages: chatMessages(req), stream: true });
  const res = await post(req, body);
  if (!res.body) throw new AgentFailure('the model server sent no body');
  const id = 'msg_openai';
  yield {
    type: 'thread.item.added',
    item: { id, thread_id: req.thread.id, created_at: new Date().toISOString(), type: 'assistant_message', content: [] },
  };
  yield {
    type: 'thread.item.updated',
    item_id: id,
    update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } },
  };
  let text = '';
  let finished = false;
  for await (const data of sseData(res.body, req.signal)) {
    if (data.trim() === '[DONE]') {
      finished = true;
      break;
    }
    let chunk: { choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[] };
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new AgentFailure('the model server sent a chunk that is not JSON');
    }
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      yield {
        type: 'thread.item.updated',
        item_id: id,
        update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta },
      };
    }
    if (choice?.finish_reason) finished = true;
  }
  if (!finished) throw new AgentFailure('the model stream was cut before it finished');
  const content = { type: 'output_text', text, annotations: [] };
  yield { type: 'thread.item.updated', item_id: id, update: { type: 'assistant_message.content_part.done', content_index: 0, content } };
  yield {
    type: 'thread.item.done',
    item: { id, thread_id: req.thread.id, created_at: new Date().toISOString(), type: 'assistant_message', content: [content] },
  };
};
