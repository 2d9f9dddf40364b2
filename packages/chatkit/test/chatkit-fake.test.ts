/**
 * @parley/chatkit against a local fake ChatKit server that misbehaves on purpose: cuts before and after the first
 * event, stalls, 401, 429 with Retry-After, 500 with a stack trace, malformed frames, duplicate ids, comments,
 * multi-line data and retry hints; plus the client half of the security guidelines (headers per request, domain
 * key, secrets never logged, https only, two-phase uploads with limits and cancel).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChatKit, type ChatKitError, type ChatKitOptions } from '@parley/chatkit';

type Handler = (req: http.IncomingMessage, body: any, res: http.ServerResponse, n: number, raw: string) => void;
let server: http.Server;
let url = '';
let handler: Handler = (_q, _b, res) => res.end();
let seen: Array<{ body: any; headers: http.IncomingHttpHeaders }> = [];

const seed = Number(process.env.TEST_SEED ?? Date.now() % 100000);
console.log(`chatkit-fake: jitter seed ${seed}`);
const seeded =
  (s = seed) =>
  () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {}
    seen.push({ body, headers: req.headers });
    handler(req, body, res, seen.length, raw);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((r) => server.close(r));
});
afterEach(() => {
  seen = [];
});

const sse = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const frame = (e: unknown) => `data: ${JSON.stringify(e)}\n\n`;
const created = {
  type: 'thread.created',
  thread: { id: 'thr_1', created_at: '2026-01-01T00:00:00', status: { type: 'active' }, items: { data: [], has_more: false } },
};
const userDone = {
  type: 'thread.item.done',
  item: {
    id: 'msg_u',
    thread_id: 'thr_1',
    type: 'user_message',
    created_at: '2026-01-01T00:00:00',
    content: [{ type: 'input_text', text: 'hi' }],
    attachments: [],
    inference_options: {},
  },
};
const reply = (text: string) => [
  {
    type: 'thread.item.added',
    item: { id: 'msg_a', thread_id: 'thr_1', type: 'assistant_message', created_at: '2026-01-01T00:00:01', content: [] },
  },
  {
    type: 'thread.item.updated',
    item_id: 'msg_a',
    update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } },
  },
  {
    type: 'thread.item.updated',
    item_id: 'msg_a',
    update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: text },
  },
];
const happy = [created, userDone, { type: 'stream_options', stream_options: { allow_cancel: true } }, ...reply('ok')];

function kit(extra: Partial<ChatKitOptions> = {}, api: Partial<Extract<ChatKitOptions['api'], { url: string }>> = {}) {
  const sleeps: number[] = [];
  const logs: Array<{ name: string; data?: Record<string, unknown> }> = [];
  const ck = createChatKit({
    api: { url: `${url}/chatkit`, ...api } as ChatKitOptions['api'],
    ...extra,
    transport: { random: seeded(), sleep: async (ms) => void sleeps.push(ms), keepAliveTimeoutMs: 5_000, ...extra.transport },
  });
  const errors: ChatKitError[] = [];
  ck.on('chatkit.error', (e) => errors.push(e.error));
  ck.on('chatkit.log', (l) => logs.push(l));
  return { ck, sleeps, errors, logs };
}
const text = (ck: ReturnType<typeof kit>['ck']) => ck.state.items.at(-1)?.content?.[0]?.text;

describe('SSE parsing', () => {
  it('accepts comments, multi-line data, arrays, keepalive pings, and drops duplicate ids', async () => {
    handler = (_q, _b, res) => {
      sse(res);
      res.write(': hello\n\n');
      res.write(`id: 1\ndata: ${JSON.stringify(created)}\n\n`);
      res.write(`id: 1\ndata: ${JSON.stringify(created)}\n\n`);
      const multi = JSON.stringify([userDone, ...reply('a')], null, 1)
        .split('\n')
        .map((l) => `data: ${l}`)
        .join('\n');
      res.write(`id: 2\n${multi}\n\n`);
      res.write('event: ping\ndata: {}\n\n');
      res.write('data: ping\n\n');
      res.write(`id: 2\ndata: ${JSON.stringify(reply('DUP')[2])}\n\n`);
      res.end(`id: 3\r\ndata: ${JSON.stringify(reply('b')[2])}\r\n\r\n`);
    };
    const { ck, errors } = kit();
    const types: string[] = [];
    ck.on('chatkit.stream.event', (e) => types.push(e.type));
    await ck.sendUserMessage({ text: 'hi' });
    expect(errors).toEqual([]);
    expect(types).toEqual([
      'thread.created',
      'thread.item.done',
      'thread.item.added',
      'thread.item.updated',
      'thread.item.updated',
      'thread.item.updated',
    ]);
    expect(text(ck)).toBe('ab');
  });

  it('a malformed frame fails the request as a protocol error and is not retried', async () => {
    handler = (_q, _b, res) => {
      sse(res);
      res.end(`${frame(created)}data: {not json\n\n`);
    };
    const { ck, errors } = kit();
    await expect(ck.sendUserMessage({ text: 'hi' })).rejects.toMatchObject({ code: 'protocol' });
    expect(seen.length).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(['protocol']);
    expect(ck.state.items.some((i) => i.pending)).toBe(false);
  });

  it('a 200 that is not an event stream is an error', async () => {
    handler = (_q, _b, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    await expect(kit().ck.sendUserMessage({ text: 'hi' })).rejects.toMatchObject({ code: 'protocol' });
  });
});

describe('retries', () => {
  it('a cut before the first event is retried with backoff honouring the retry: hint; after an event it is not', async () => {
    handler = (_q, _b, res, n) => {
      sse(res);
      if (n === 1) res.write('retry: 1000\n: warming\n\n');
      if (n < 3) return void setImmediate(() => res.destroy());
      res.end(happy.map(frame).join(''));
    };
    const a = kit();
    await a.ck.sendUserMessage({ text: 'hi' });
    expect(seen.length).toBe(3);
    expect(text(a.ck)).toBe('ok');
    // The hint (1000 ms) replaced the base of the first delay: 1000 ± 20 %.
    expect(a.sleeps[0]).toBeGreaterThanOrEqual(800);
    expect(a.sleeps[0]).toBeLessThanOrEqual(1200);
    expect(a.logs.filter((l) => l.name === 'transport.retry').map((l) => l.data?.attempt)).toEqual([1, 2]);

    seen = [];
    handler = (_q, _b, res) => {
      sse(res);
      res.write(frame(created));
      setTimeout(() => res.destroy(), 20);
    };
    const b = kit();
    await expect(b.ck.sendUserMessage({ text: 'hi' })).rejects.toMatchObject({ code: 'transport' });
    expect(seen.length).toBe(1);
  });

  it('gives up after maxRetries on 5xx, and shows no server internals', async () => {
    handler = (_q, _b, res) =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'INTERNAL', message: 'TypeError: x is undefined\n    at handler (/srv/app.js:10:5)' } }));
    const { ck, errors, sleeps } = kit({ transport: { maxRetries: 2 } });
    await expect(ck.listThreads()).rejects.toMatchObject({ status: 500 });
    expect(seen.length).toBe(3);
    expect(sleeps.length).toBe(2);
    expect(errors[0]!.message).toBe('Something went wrong. Please try again.');
  });

  it('a stalled stream hits the keepalive timeout and is retried when nothing arrived', async () => {
    handler = (_q, _b, res, n) => {
      sse(res);
      if (n === 1) return void res.write(': stalled\n\n');
      res.end(happy.map(frame).join(''));
    };
    const { ck, logs } = kit({ transport: { keepAliveTimeoutMs: 200 } });
    await ck.sendUserMessage({ text: 'hi' });
    expect(logs.map((l) => l.name)).toContain('transport.keepalive.timeout');
    expect(seen.length).toBe(2);
    expect(text(ck)).toBe('ok');
  });

  it('429 waits Retry-After, then succeeds', async () => {
    handler = (_q, _b, res, n) => {
      if (n === 1)
        return void res
          .writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' })
          .end('{"error":{"code":"RATE_LIMITED","message":"slow down"}}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"has_more":false}');
    };
    const { ck, sleeps } = kit();
    await expect(ck.listThreads()).resolves.toEqual({ data: [], has_more: false });
    expect(sleeps).toEqual([3000]);
  });

  it('cancel aborts the stream: no retry, no error event, composer free again', async () => {
    handler = (_q, _b, res) => {
      sse(res);
      res.write(happy.map(frame).join(''));
    };
    const { ck, errors, logs } = kit();
    ck.on('chatkit.stream.event', (e) => {
      if (e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta') ck.cancel();
    });
    await expect(ck.sendUserMessage({ text: 'hi' })).rejects.toMatchObject({ code: 'cancelled' });
    expect(errors).toEqual([]);
    expect(seen.length).toBe(1);
    expect(ck.state.streaming).toBe(false);
    expect(logs.map((l) => l.name)).toContain('transport.cancelled');
  });
});

describe('stale client', () => {
  it('a 409 stale_client is reported, then the open thread is reloaded with a notice', async () => {
    let stale = false;
    handler = (_q, body, res) => {
      if (body.type === 'threads.get_by_id')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...created.thread, title: 'fresh', items: { data: [userDone.item], has_more: false } }));
      if (stale)
        return void res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"code":"stale_client","message":"reload"}}');
      sse(res);
      res.end(happy.map(frame).join(''));
    };
    const { ck, logs, errors } = kit();
    await ck.sendUserMessage({ text: 'hi' });
    stale = true;
    await expect(ck.sendUserMessage({ text: 'again' })).rejects.toMatchObject({ code: 'stale_client', status: 409 });
    await vi.waitFor(() => expect(logs.map((l) => l.name)).toContain('transport.handshake.complete'));
    expect(errors.map((e) => e.code)).toEqual(['stale_client']);
    expect(seen.at(-1)!.body).toMatchObject({ type: 'threads.get_by_id', params: { thread_id: 'thr_1' } });
    expect(ck.state.thread?.title).toBe('fresh');
    expect(ck.state.items.map((i) => i.id)).toEqual(['msg_u']);
    expect(ck.state.notices).toHaveLength(1);
  });
});

describe('security guidelines, client half', () => {
  it('401: one refresh of the hosted secret and one retry, then auth.expired; the secret is never logged', async () => {
    const secrets = ['s3cr3t-one', 's3cr3t-two'];
    handler = (_q, _b, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHORIZED","message":"bad token"}}');
    const asked: Array<string | null> = [];
    const { ck, logs, errors } = kit({
      api: {
        url: `${url}/chatkit`,
        getClientSecret: async (c) => {
          asked.push(c);
          return secrets[asked.length - 1]!;
        },
      },
    });
    let expired = 0;
    ck.on('chatkit.auth.expired', () => expired++);
    await expect(ck.listThreads()).rejects.toMatchObject({ code: 'auth.expired' });
    expect(asked).toEqual([null, 's3cr3t-one']);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer s3cr3t-one', 'Bearer s3cr3t-two']);
    expect(expired).toBe(1);
    const dump = JSON.stringify({ logs, errors: errors.map((e) => [e.message, e.code]), state: ck.state });
    expect(dump).not.toMatch(/s3cr3t/);
  });

  it('headersBuilder runs for every request (uploads too), the domain key goes as x-chatkit-domain-key', async () => {
    let n = 0;
    handler = (req, _b, res) => {
      if (req.url === '/upload')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"type":"file","id":"atc_1","name":"a.txt","mime_type":"text/plain"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"has_more":false}');
    };
    const { ck } = kit(
      {},
      {
        domainKey: 'dk_public',
        headersBuilder: (r) => ({ 'x-app-token': `t${++n}-${r.type}` }),
        uploadStrategy: { type: 'direct', uploadUrl: `${url}/upload` },
      },
    );
    await ck.listThreads();
    await ck.listThreads();
    const att = await ck.uploadAttachment({ name: 'a.txt', mimeType: 'text/plain', data: new TextEncoder().encode('hello') });
    expect(att.id).toBe('atc_1');
    expect(seen.map((s) => s.headers['x-app-token'])).toEqual(['t1-threads.list', 't2-threads.list', 't3-upload']);
    expect(seen.every((s) => s.headers['x-chatkit-domain-key'] === 'dk_public')).toBe(true);
    expect(seen[0]!.body).toEqual({ type: 'threads.list', params: { order: 'desc' }, metadata: {} });
  });

  it('refuses a plain-http endpoint that is not this machine', () => {
    expect(() => createChatKit({ api: { url: 'http://chat.example.com/chatkit' } })).toThrow(/https/);
    expect(() => createChatKit({ api: { url: 'https://chat.example.com/chatkit' } })).not.toThrow();
  });

  it('two-phase upload: limits before any byte, upload_descriptor and legacy upload_url, cancel deletes the attachment', async () => {
    const uploaded: string[] = [];
    let legacy = false;
    let hang = false;
    handler = (req, body, res, _n, raw) => {
      if (req.url?.startsWith('/bytes')) {
        if (hang) return;
        uploaded.push(`${req.method} ${req.headers['content-type']} ${raw.length}`);
        return void res.writeHead(204).end();
      }
      const target = legacy
        ? { upload_url: `${url}/bytes` }
        : { upload_descriptor: { url: `${url}/bytes`, method: 'PUT', headers: { 'x-sig': 'abc' } } };
      if (body.type === 'attachments.create')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ type: 'file', id: `atc_${seen.length}`, name: body.params.name, mime_type: body.params.mime_type, ...target }),
          );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    const { ck } = kit({ attachments: { maxSize: 10, maxCount: 2, accept: ['text/*'] } });
    const data = new TextEncoder().encode('12345');
    await expect(ck.uploadAttachment({ name: 'big.txt', mimeType: 'text/plain', data: new Uint8Array(11) })).rejects.toMatchObject({
      code: 'attachment.rejected',
    });
    await expect(ck.uploadAttachment({ name: 'x.exe', mimeType: 'application/x-msdownload', data })).rejects.toMatchObject({
      code: 'attachment.rejected',
    });
    await expect(ck.uploadAttachment({ name: 'c.txt', mimeType: 'text/plain', data }, 2)).rejects.toMatchObject({
      code: 'attachment.rejected',
    });
    expect(seen).toEqual([]);

    const progress: number[] = [];
    const a = await ck.uploadAttachment({ name: 'a.txt', mimeType: 'text/plain', data, onProgress: (f) => progress.push(f) });
    expect(a).toEqual({ type: 'file', id: 'atc_1', name: 'a.txt', mime_type: 'text/plain' });
    expect(progress).toEqual([0, 1]);
    expect(seen[1]!.headers['x-sig']).toBe('abc');
    legacy = true;
    await ck.uploadAttachment({ name: 'b.txt', mimeType: 'text/plain', data });
    expect(uploaded[0]).toBe('PUT text/plain 5');
    expect(uploaded[1]).toMatch(/^POST multipart\/form-data/);

    hang = true;
    const abort = new AbortController();
    const pending = ck.uploadAttachment({
      name: 'c.txt',
      mimeType: 'text/plain',
      data,
      signal: abort.signal,
      onProgress: (f) => f > 0 && setTimeout(() => abort.abort(), 10),
    });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen.at(-1)!.body).toMatchObject({ type: 'attachments.delete', params: { attachment_id: expect.stringMatching(/^atc_/) } });
  });
});

describe('core gaps: byte progress and idempotent retry', () => {
  it('reports upload progress by bytes, in order, up to the whole file', async () => {
    let stored = 0;
    handler = (req, body, res, _n, raw) => {
      if (req.url?.startsWith('/bytes')) {
        stored = raw.length;
        return void res.writeHead(204).end();
      }
      if (body.type === 'attachments.create')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            type: 'file',
            id: 'atc_big',
            name: body.params.name,
            mime_type: body.params.mime_type,
            upload_url: `${url}/bytes`,
          }),
        );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    const { ck } = kit();
    const size = 300 * 1024;
    const seen: Array<{ f: number; loaded: number; total: number }> = [];
    await ck.uploadAttachment({
      name: 'big.txt',
      mimeType: 'text/plain',
      data: new Uint8Array(size).fill(97),
      onProgress: (f, b) => seen.push({ f, loaded: b!.loaded, total: b!.total }),
    });
    expect(stored).toBeGreaterThan(size);
    const fractions = seen.map((s) => s.f);
    // 0, then at least three partial steps (64 KiB chunks of the multipart body), then 1.
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(3);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(seen.at(-1)!.loaded).toBe(seen.at(-1)!.total);
  });

  it('with an idempotency key header, a stream cut after its first event is retried with the same key and replayed once', async () => {
    handler = (_q, _b, res, n) => {
      sse(res);
      if (n === 1) {
        res.write([created, userDone, notice, ...reply('o')].map(frame).join(''));
        return void setTimeout(() => res.destroy(), 20);
      }
      res.end([created, userDone, notice, ...reply('ok')].map(frame).join(''));
    };
    const notice = { type: 'notice', level: 'info', message: 'once' };
    const { ck, logs } = kit({ transport: { idempotencyKeyHeader: 'Idempotency-Key' } });
    await ck.sendUserMessage({ text: 'hi' });
    expect(seen.length).toBe(2);
    const keys = seen.map((s) => s.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    // The replay rewound the state: one user item, one reply with the text once.
    expect(ck.state.items.map((i) => i.type)).toEqual(['user_message', 'assistant_message']);
    expect(text(ck)).toBe('ok');
    expect(ck.state.notices).toEqual([{ level: 'info', message: 'once' }]);
    expect(logs.some((l) => l.name === 'transport.replay')).toBe(true);

    // Each request has its own key.
    seen = [];
    handler = (_q, _b, res) => {
      sse(res);
      res.end(happy.map(frame).join(''));
    };
    await ck.sendUserMessage({ text: 'again' });
    expect(seen[0]!.headers['idempotency-key']).not.toBe(keys[0]);
  });
});
