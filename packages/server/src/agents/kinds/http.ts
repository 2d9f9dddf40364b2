/**
 * @module agents/kinds/http: an external agent service (docs/agents.md, HTTP agent protocol). Parley POSTs the
 * thread, the history and the input, signed like webhooks (X-Parley-Timestamp, X-Parley-Signature: sha256=HMAC
 * of "<timestamp>.<body>"), and reads back ChatKit stream events, one per SSE `data:` frame.
 */
import { hmacHex } from '../../events/webhooks/signing.js';
import { sseData } from '../sse-reader.js';
import { AgentFailure, type AgentKind, type AgentRequest } from './types.js';

/** The request body (what a chatkit-python respond()/action() gets, as JSON). */
export function httpAgentBody(req: AgentRequest): string {
  return JSON.stringify({
    type: req.type,
    agent_id: req.agent.id,
    thread: req.thread,
    user: req.user,
    items: req.items,
    input: req.type === 'respond' ? req.input : null,
    ...(req.type === 'action' ? { action: req.action, sender: req.sender ?? null } : {}),
  });
}

export function signatureHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const ts = String(Math.floor(now.getTime() / 1000));
  return { 'X-Parley-Timestamp': ts, 'X-Parley-Signature': `sha256=${hmacHex(secret, `${ts}.${body}`)}` };
}

export const httpAgent: AgentKind = async function* (req) {
  const { url } = req.agent.options;
  if (!url || !req.agent.secret) throw new AgentFailure('the http agent has no url or secret');
  const body = httpAgentBody(req);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...signatureHeaders(req.agent.secret, body, new Date()) },
      body,
      signal: req.signal,
    });
  } catch (err) {
    if (req.signal.aborted) throw req.signal.reason;
    throw new AgentFailure(`could not reach the agent: ${(err as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new AgentFailure(`the agent answered HTTP ${res.status}`);
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream') || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new AgentFailure(`the agent answered ${type || 'no content type'}, not text/event-stream`);
  }
  for await (const data of sseData(res.body, req.signal)) {
    try {
      yield JSON.parse(data) as unknown;
    } catch {
      throw new AgentFailure('the agent sent a frame that is not JSON');
    }
  }
};
