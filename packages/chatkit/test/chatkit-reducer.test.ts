/**
 * Every stream event of chatkit-protocol §3.1 and item update of §3.3, streamed by a scripted local server and
 * folded by @parley/chatkit's reducer; the remaining request types (structured input, sync action, transcribe,
 * the whole request envelope), items paged both ways, and the hosted secret's refresh before a JWT expires.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatKitItem, createChatKit } from '@parley/chatkit';

let server: http.Server;
let url = '';
let script: (body: any) => { json?: unknown; events?: unknown[] } = () => ({ json: {} });
const bodies: any[] = [];
const auths: string[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    const body = JSON.parse(raw);
    bodies.push(body);
    auths.push(String(req.headers.authorization ?? ''));
    const out = script(body);
    if (out.events) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return void res.end(out.events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out.json ?? {}));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chatkit`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((r) => server.close(r));
});

const at = '2026-01-01T00:00:00';
const thread = { id: 'thr_1', created_at: at, status: { type: 'active' }, metadata: {}, items: { data: [], has_more: false } };
const base = { thread_id: 'thr_1', created_at: at };
const upd = (item_id: string, update: unknown) => ({ type: 'thread.item.updated', item_id, update });
const card = {
  type: 'Card',
  children: [
    { type: 'Markdown', id: 'md', value: 'Hel', streaming: true },
    { type: 'Button', label: 'x', onClickAction: { type: 'w.sync' } },
  ],
};

describe('the reducer, event by event', () => {
  it('folds every §3.1 event and §3.3 update into the state', async () => {
    const events = [
      { type: 'thread.created', thread },
      {
        type: 'thread.item.done',
        item: {
          ...base,
          id: 'u1',
          type: 'user_message',
          content: [{ type: 'input_text', text: 'go' }],
          attachments: [],
          inference_options: {},
        },
      },
      { type: 'stream_options', stream_options: { allow_cancel: false } },
      { type: 'progress_update', text: 'searching', icon: 'search' },
      { type: 'thread.item.added', item: { ...base, id: 'a1', type: 'assistant_message', content: [] } },
      upd('a1', {
        type: 'assistant_message.content_part.added',
        content_index: 1,
        content: { type: 'output_text', text: 'B', annotations: [] },
      }),
      upd('a1', { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'A' }),
      upd('a1', {
        type: 'assistant_message.content_part.annotation_added',
        content_index: 1,
        annotation_index: 5,
        annotation: { type: 'annotation', source: { type: 'url', url: 'https://x', title: 'x' } },
      }),
      upd('a1', {
        type: 'assistant_message.content_part.done',
        content_index: 1,
        content: {
          type: 'output_text',
          text: 'B!',
          annotations: [{ type: 'annotation', source: { type: 'file', filename: 'f', title: 'f' } }],
        },
      }),
      { type: 'thread.item.added', item: { ...base, id: 'w1', type: 'widget', widget: card } },
      upd('w1', { type: 'widget.streaming_text.value_delta', component_id: 'md', delta: 'lo', done: true }),
      upd('w1', { type: 'widget.component.updated', component_id: 'md', component: { type: 'Markdown', id: 'md', value: 'Bye' } }),
      { type: 'thread.item.added', item: { ...base, id: 'wf', type: 'workflow', workflow: { type: 'custom', tasks: [] } } },
      upd('wf', { type: 'workflow.task.added', task_index: 0, task: { type: 'thought', content: 'hmm', status_indicator: 'loading' } }),
      upd('wf', { type: 'workflow.task.updated', task_index: 0, task: { type: 'thought', content: 'done', status_indicator: 'complete' } }),
      { type: 'thread.item.added', item: { ...base, id: 'gi', type: 'generated_image' } },
      upd('gi', { type: 'generated_image.updated', image: { id: 'img', url: 'https://img' }, progress: 0.5 }),
      { type: 'thread.item.added', item: { ...base, id: 'tmp', type: 'task', task: { type: 'custom', title: 't' } } },
      { type: 'thread.item.removed', item_id: 'tmp' },
      { type: 'thread.item.replaced', item: { ...base, id: 'w1', type: 'widget', widget: { type: 'Card', children: [] } } },
      { type: 'client_effect', name: 'flash', data: { on: true } },
      { type: 'notice', level: 'warning', message: 'careful', title: 'Note' },
      { type: 'thread.updated', thread: { ...thread, title: 'Titled' } },
      { type: 'future.event', whatever: 1 },
      { type: 'error', code: 'custom', message: 'Quota reached', allow_retry: false },
    ];
    script = () => ({ events });
    const ck = createChatKit({ api: { url } });
    const effects: unknown[] = [];
    const errors: string[] = [];
    const seenTypes: string[] = [];
    let allowCancel: boolean | undefined;
    let progress: string | undefined;
    ck.on('chatkit.effect', (e) => effects.push(e));
    ck.on('chatkit.error', (e) => errors.push(`${e.error.code}: ${e.error.message}`));
    ck.on('chatkit.stream.event', (e) => {
      seenTypes.push(e.type);
      if (e.type === 'stream_options') allowCancel = ck.state.allowCancel;
      if (e.type === 'progress_update') progress = ck.state.progress?.text;
    });
    await ck.sendUserMessage({ text: 'go' });
    const s = ck.state;
    const byId = (id: string) => s.items.find((i) => i.id === id) as ChatKitItem;
    expect(seenTypes).toEqual(events.map((e) => e.type));
    expect(allowCancel).toBe(false);
    expect(progress).toBe('searching');
    expect(s.items.map((i) => i.id)).toEqual(['u1', 'a1', 'w1', 'wf', 'gi']);
    expect(byId('a1').content).toEqual([
      { type: 'output_text', text: 'A', annotations: [] },
      { type: 'output_text', text: 'B!', annotations: [{ type: 'annotation', source: { type: 'file', filename: 'f', title: 'f' } }] },
    ]);
    expect(byId('w1').widget).toEqual({ type: 'Card', children: [] });
    expect(byId('wf').workflow.tasks).toEqual([{ type: 'thought', content: 'done', status_indicator: 'complete' }]);
    expect(byId('gi').image).toEqual({ id: 'img', url: 'https://img' });
    expect(effects).toEqual([{ name: 'flash', data: { on: true } }]);
    expect(s.notices).toEqual([{ level: 'warning', message: 'careful', title: 'Note' }]);
    expect(s.thread).toMatchObject({ id: 'thr_1', title: 'Titled' });
    expect(s.thread).not.toHaveProperty('items');
    expect(s.error).toEqual({ code: 'custom', message: 'Quota reached', allowRetry: false });
    expect(errors).toEqual(['custom: Quota reached']);
  });

  it('widget streaming text grows by deltas before it is replaced', async () => {
    script = () => ({
      events: [
        { type: 'thread.created', thread },
        { type: 'thread.item.added', item: { ...base, id: 'w1', type: 'widget', widget: card } },
        upd('w1', { type: 'widget.streaming_text.value_delta', component_id: 'md', delta: 'lo', done: true }),
      ],
    });
    const ck = createChatKit({ api: { url } });
    await ck.sendUserMessage({ text: 'w' });
    expect(ck.state.items.find((i) => i.id === 'w1')!.widget.children[0]).toEqual({
      type: 'Markdown',
      id: 'md',
      value: 'Hello',
      streaming: false,
    });
  });
});

describe('the other requests', () => {
  it('structured input, sync action, transcribe, request envelopes', async () => {
    const widgetItem = { ...base, id: 'w1', type: 'widget', widget: card };
    script = (b) => {
      if (b.type === 'threads.create')
        return {
          events: [
            { type: 'thread.created', thread },
            { type: 'thread.item.done', item: widgetItem },
          ],
        };
      if (b.type === 'threads.sync_custom_action')
        return { json: { updated_item: { ...widgetItem, widget: { type: 'Card', children: [] } } } };
      if (b.type === 'input.transcribe') return { json: { text: 'spoken words' } };
      if (b.type === 'threads.add_structured_input')
        return {
          events: [{ type: 'thread.item.replaced', item: { ...base, id: 'si', type: 'structured_input', status: 'answered', inputs: [] } }],
        };
      return { json: {} };
    };
    bodies.length = 0;
    const ck = createChatKit({ api: { url } });
    ck.setTool('search');
    await ck.sendUserMessage({ text: 'q', quotedText: 'earlier', metadata: { trace: 't1' } });
    const updated = await ck.sendCustomAction({ type: 'w.sync', streaming: false }, 'w1');
    expect(updated?.widget).toEqual({ type: 'Card', children: [] });
    expect(ck.state.items.find((i) => i.id === 'w1')!.widget).toEqual({ type: 'Card', children: [] });
    expect(await ck.transcribe({ base64: 'AAAA', mimeType: 'audio/webm' })).toBe('spoken words');
    await ck.submitStructuredInput('si', { answers: { q1: { values: ['a'] } } });
    expect(ck.state.items.at(-1)).toMatchObject({ id: 'si', status: 'answered' });
    expect(bodies).toEqual([
      {
        type: 'threads.create',
        params: {
          input: {
            content: [{ type: 'input_text', text: 'q' }],
            attachments: [],
            inference_options: { tool_choice: { id: 'search' } },
            quoted_text: 'earlier',
          },
        },
        metadata: { trace: 't1' },
      },
      { type: 'threads.sync_custom_action', params: { thread_id: 'thr_1', item_id: 'w1', action: { type: 'w.sync' } }, metadata: {} },
      { type: 'input.transcribe', params: { audio_base64: 'AAAA', mime_type: 'audio/webm' }, metadata: {} },
      {
        type: 'threads.add_structured_input',
        params: { thread_id: 'thr_1', item_id: 'si', input: { status: 'answered', answers: { q1: { values: ['a'] } } } },
        metadata: {},
      },
    ]);
  });

  it('loads a thread, then pages older items before it and newer items after it, without duplicates', async () => {
    const all = [1, 2, 3, 4, 5, 6].map((n) => ({
      ...base,
      id: `i${n}`,
      type: 'user_message',
      content: [{ type: 'input_text', text: `m${n}` }],
      attachments: [],
      inference_options: {},
    }));
    script = (b) => {
      if (b.type === 'threads.get_by_id') return { json: { ...thread, items: { data: all.slice(2, 4), has_more: true, after: 'i4' } } };
      const rows = b.params.order === 'desc' ? [...all].reverse() : all;
      const start = b.params.after ? rows.findIndex((r) => r.id === b.params.after) + 1 : 0;
      const data = rows.slice(start, start + (b.params.limit ?? 20));
      return { json: { data, has_more: start + data.length < rows.length, ...(data.length ? { after: data.at(-1)!.id } : {}) } };
    };
    const ck = createChatKit({ api: { url } });
    await ck.setThreadId('thr_1');
    expect(ck.state.items.map((i) => i.id)).toEqual(['i3', 'i4']);
    expect(await ck.loadOlder(1)).toBe(true);
    expect(ck.state.items.map((i) => i.id)).toEqual(['i2', 'i3', 'i4']);
    expect(await ck.loadOlder(5)).toBe(false);
    expect(await ck.loadNewer(1)).toBe(true);
    expect(await ck.loadNewer(5)).toBe(false);
    expect(ck.state.items.map((i) => i.id)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('a hosted JWT secret about to expire is refreshed before the request, not after a 401', async () => {
    const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
    const now = Math.floor(Date.now() / 1000);
    const issued = [jwt(now + 10), jwt(now + 3600)];
    const asked: Array<string | null> = [];
    script = () => ({ json: { data: [], has_more: false } });
    auths.length = 0;
    const ck = createChatKit({
      api: {
        url,
        getClientSecret: async (current) => {
          asked.push(current);
          return issued[asked.length - 1]!;
        },
      },
    });
    await ck.listThreads();
    await ck.listThreads();
    await ck.listThreads();
    expect(asked).toEqual([null, issued[0]]);
    expect(auths).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`, `Bearer ${issued[1]}`]);
  });
});
