/** ChatKit test client: POST /chatkit over HTTP; streaming answers parsed into their `data:` events. */
import http from 'node:http';
import type { Api, Res } from './api.js';
import type { TestServer } from './server.js';

export type Ev = Record<string, any>;

/** Parses an SSE body into events (one JSON object per `data:` frame, as chatkit-python writes them). */
export function sseEvents(text: string): Ev[] {
  return text
    .split('\n\n')
    .filter((f) => f.startsWith('data: '))
    .map((f) => JSON.parse(f.slice(6)) as Ev);
}

export async function ck(api: Api, type: string, params: Record<string, unknown> = {}): Promise<Res & { events: Ev[] }> {
  const res = await api.post('/chatkit', { type, params });
  const streaming = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  return { ...res, events: streaming ? sseEvents(res.text) : [] };
}

export const userInput = (text: string, extra: Record<string, unknown> = {}) => ({
  content: [{ type: 'input_text', text }],
  attachments: [],
  inference_options: {},
  ...extra,
});

/** A ChatKit client token for `userId` whose new threads get agent `agentId`. */
export async function chatKitUser(server: TestServer, userId: string, agentId: string, extra: Record<string, unknown> = {}): Promise<Api> {
  const res = await server.admin.post('/api/v1/management/tokens', { user_id: userId, chatkit: { agent_id: agentId }, ...extra });
  if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${res.text}`);
  return server.anon().with({ authorization: `Bearer ${res.body.data.token}` });
}

/** Opens a streaming request and lets the test read events as they come and hang up mid-stream. */
export function openStream(server: TestServer, api: Api, body: unknown) {
  const events: Ev[] = [];
  let buffer = '';
  let status = 0;
  const req = http.request(`${server.url}/chatkit`, { method: 'POST', headers: { ...api.headers, 'content-type': 'application/json' } });
  const ready = new Promise<void>((resolve, reject) => {
    req.once('response', (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const f = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (f.startsWith('data: ')) events.push(JSON.parse(f.slice(6)));
        }
      });
      res.on('error', () => {});
      resolve();
    });
    req.once('error', reject);
  });
  req.end(JSON.stringify(body));
  return {
    events,
    ready,
    get status() {
      return status;
    },
    hangUp: () => req.destroy(),
  };
}
