/**
 * A second ChatKit server implementation for the client's tests: chatkit-node-backend-sdk (npm, pinned) with an
 * in-memory store, a deterministic echo respond(), one widget and one client tool, served over node:http on
 * 127.0.0.1 with CORS open. Its thrown errors become HTTP 500 before any byte (the SDK leaves HTTP wiring to the host).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AttachmentStore, ChatKitServer, Store } from 'chatkit-node-backend-sdk';

type Any = any;
const page = (rows: Any[], limit: number, after: string | null): Any => {
  const start = after ? rows.findIndex((r) => r.id === after) + 1 : 0;
  const data = rows.slice(start, start + limit);
  return { data, has_more: start + limit < rows.length, ...(data.length ? { after: data.at(-1).id } : {}) };
};

class MemoryStore extends Store<Any> {
  threads = new Map<string, Any>();
  items = new Map<string, Any[]>();
  attachments = new Map<string, Any>();
  async loadThread(id: string) {
    const t = this.threads.get(id);
    if (!t) throw new Error(`no thread ${id}`);
    return t;
  }
  async saveThread(t: Any) {
    this.threads.set(t.id, t);
  }
  async deleteThread(id: string) {
    this.threads.delete(id);
    this.items.delete(id);
  }
  async loadThreads(limit: number, after: string | null, order: 'asc' | 'desc') {
    const rows = [...this.threads.values()];
    return page(order === 'desc' ? rows.reverse() : rows, limit, after);
  }
  async loadThreadItems(threadId: string, after: string | null, limit: number, order: 'asc' | 'desc') {
    const rows = [...(this.items.get(threadId) ?? [])];
    return page(order === 'desc' ? rows.reverse() : rows, limit, after);
  }
  async addThreadItem(threadId: string, item: Any) {
    this.items.set(threadId, [...(this.items.get(threadId) ?? []), item]);
  }
  async saveItem(threadId: string, item: Any) {
    const rows = this.items.get(threadId) ?? [];
    const at = rows.findIndex((r) => r.id === item.id);
    if (at < 0) rows.push(item);
    else rows[at] = item;
    this.items.set(threadId, rows);
  }
  async loadItem(threadId: string, id: string) {
    const it = (this.items.get(threadId) ?? []).find((r) => r.id === id);
    if (!it) throw new Error(`no item ${id}`);
    return it;
  }
  async deleteThreadItem(threadId: string, id: string) {
    this.items.set(
      threadId,
      (this.items.get(threadId) ?? []).filter((r) => r.id !== id),
    );
  }
  async saveAttachment(a: Any) {
    this.attachments.set(a.id, a);
  }
  async loadAttachment(id: string) {
    return this.attachments.get(id);
  }
  async deleteAttachment(id: string) {
    this.attachments.delete(id);
  }
}

class Uploads extends AttachmentStore<Any> {
  constructor(
    private readonly base: () => string,
    readonly deleted: string[],
  ) {
    super();
  }
  async createAttachment(p: Any) {
    const id = `atc_${Math.random().toString(16).slice(2, 10)}`;
    return { type: 'file', id, name: p.name, mime_type: p.mime_type, upload_url: `${this.base()}/upload/${id}` } as Any;
  }
  async deleteAttachment(id: string) {
    this.deleted.push(id);
  }
}

const text = (msg: Any) => (msg?.content ?? []).map((c: Any) => c.text ?? '').join('');
let seq = 0;
const nextId = (p: string) => `${p}_${(++seq).toString(16).padStart(8, '0')}`;

class EchoServer extends ChatKitServer<Any> {
  async *respond(thread: Any, input: Any): AsyncGenerator<Any> {
    const base = { thread_id: thread.id, created_at: new Date().toISOString() };
    if (text(input) === '/tool') {
      yield {
        type: 'thread.item.done',
        item: {
          ...base,
          id: nextId('tc'),
          type: 'client_tool_call',
          status: 'pending',
          call_id: 'call_1',
          name: 'get_location',
          arguments: { precise: true },
        },
      };
      return;
    }
    if (text(input) === '/widget') {
      const widget = { type: 'Card', children: [{ type: 'Button', label: 'Go', onClickAction: { type: 'node.go', payload: { n: 1 } } }] };
      yield { type: 'thread.item.done', item: { ...base, id: nextId('wd'), type: 'widget', widget } };
      return;
    }
    const said = input ? `Echo: ${text(input)}` : 'Tool done';
    const id = nextId('msg');
    yield { type: 'progress_update', text: 'thinking' };
    yield { type: 'thread.item.added', item: { ...base, id, type: 'assistant_message', content: [] } };
    yield {
      type: 'thread.item.updated',
      item_id: id,
      update: {
        type: 'assistant_message.content_part.added',
        content_index: 0,
        content: { type: 'output_text', text: '', annotations: [] },
      },
    };
    for (const part of said.match(/.{1,4}/g) ?? [])
      yield {
        type: 'thread.item.updated',
        item_id: id,
        update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: part },
      };
    yield {
      type: 'thread.item.done',
      item: { ...base, id, type: 'assistant_message', content: [{ type: 'output_text', text: said, annotations: [] }] },
    };
  }
  override async *action(thread: Any, action: Any, sender: Any): AsyncGenerator<Any> {
    yield { type: 'notice', level: 'info', message: `action ${action.type} on ${sender?.id ?? 'nothing'}` };
    yield { type: 'client_effect', name: 'confetti', data: { n: action.payload?.n } };
    yield* this.respond(thread, { content: [{ type: 'input_text', text: action.type }] });
  }
}

export interface NodeSdkPeer {
  url: string;
  uploads: string[];
  deleted: string[];
  close(): Promise<void>;
}

export async function startNodeSdkServer(): Promise<NodeSdkPeer> {
  const uploads: string[] = [];
  const deleted: string[] = [];
  let base = '';
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const sdk = new EchoServer(new MemoryStore(), new Uploads(() => base, deleted), quiet);
  const server = http.createServer(async (req, res) => {
    // Open to any origin, so a browser page on another port can use it (the <parley-chatkit> tests).
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
      res.setHeader('access-control-allow-methods', 'POST, PUT, OPTIONS');
      return void res.writeHead(204).end();
    }
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // The client went away mid-request (a cancelled upload).
    }
    if (req.url?.startsWith('/upload/')) {
      uploads.push(`${req.method} ${req.url} ${req.headers['content-type']?.split(';')[0]}`);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    // The SDK prints a debug line on every threads.create; keep the test output clean.
    const log = console.log;
    console.log = () => {};
    try {
      const result: Any = await sdk.process(Buffer.concat(chunks).toString('utf8'), {});
      if (!result.isStreaming) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result.toJSON()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for await (const chunk of result) res.write(chunk);
      res.end();
    } catch {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal.error","message":"Internal error"}}');
      else res.destroy();
    } finally {
      console.log = log;
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    uploads,
    deleted,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
