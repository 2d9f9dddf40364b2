/**
 * @parley/chatkit against Parley's POST /chatkit with the demo agent, on both backends: hosted secret with refresh
 * on 401, threads (create, list, load, rename, delete), items paging both ways, send with inference_options, the
 * reducer and optimistic message, retry, feedback, widget actions (streaming and sync), client tool round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatKit, type ChatKitError, type ChatKitItem, type ChatKitOptions } from '@parley/chatkit';
import { registerAgent } from '../../server/test/support/agents.js';
import { unique } from '../../server/test/support/chat.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';

let server: TestServer;
let demo = '';

beforeAll(async () => {
  server = await startServer();
  demo = await registerAgent(server, { display_name: 'Demo Bot' });
});
afterAll(async () => server?.close());

async function mint(userId: string): Promise<string> {
  const res = await server.admin.post('/api/v1/management/tokens', { user_id: userId, chatkit: { agent_id: demo } });
  expect(res.status, res.text).toBe(200);
  return res.body.data.token as string;
}

async function kit(extra: Partial<ChatKitOptions> = {}) {
  const user = unique('ck');
  const calls: Array<string | null> = [];
  const ck = createChatKit({
    api: {
      url: `${server.url}/chatkit`,
      getClientSecret: async (current) => {
        calls.push(current);
        return mint(user);
      },
    },
    ...extra,
  });
  const errors: ChatKitError[] = [];
  ck.on('chatkit.error', (e) => errors.push(e.error));
  return { ck, calls, errors, user };
}

const textOf = (item: ChatKitItem | undefined): string =>
  (item?.content as Array<{ text?: string }> | undefined)?.map((c) => c.text).join('') ?? '';

describe('conversation', () => {
  it('creates a thread, streams the reply through the reducer, and keeps one user item after the optimistic one', async () => {
    const { ck, calls } = await kit();
    const seen: string[] = [];
    let optimistic = false;
    ck.on('chatkit.state', (s) => {
      if (s.items.some((i) => i.pending)) optimistic = true;
    });
    ck.on('chatkit.log', (l) => seen.push(l.name));
    const changes: Array<string | null> = [];
    ck.on('chatkit.thread.change', (c) => changes.push(c.threadId));
    let starts = 0;
    ck.on('chatkit.response.start', () => starts++);
    await ck.sendUserMessage({ text: 'hello', model: 'gpt-x' });
    expect(calls).toEqual([null]);
    expect(optimistic).toBe(true);
    const { items, threadId } = ck.state;
    expect(threadId).toMatch(/.+/);
    expect(changes).toEqual([threadId]);
    expect(starts).toBe(1);
    expect(items.map((i) => i.type)).toEqual(['user_message', 'assistant_message']);
    expect(items.some((i) => i.pending)).toBe(false);
    expect(items[0]!.inference_options).toEqual({ model: 'gpt-x' });
    expect(textOf(items[1])).toBe('Echo: hello');
    expect(ck.state.streaming).toBe(false);
    expect(seen).toContain('transport.streaming.first_event');

    await ck.sendUserMessage({ text: 'again' });
    expect(ck.state.items.map((i) => textOf(i))).toEqual(['hello', 'Echo: hello', 'again', 'Echo: again']);
  });

  it('lists, loads, renames and deletes threads, and pages items both ways', async () => {
    const { ck } = await kit();
    await ck.sendUserMessage({ text: 'one' });
    const id = ck.state.threadId!;
    for (const t of ['two', 'three']) await ck.sendUserMessage({ text: t });
    await ck.sendUserMessage({ text: 'other thread', newThread: true });
    const other = ck.state.threadId!;
    expect(other).not.toBe(id);

    const list = await ck.listThreads({ limit: 10 });
    expect(list.data.map((t) => t.id)).toEqual([other, id]);
    expect((await ck.renameThread(id, 'Renamed')).title).toBe('Renamed');

    const loads: string[] = [];
    ck.on('chatkit.thread.load.start', (e) => loads.push(`start ${e.threadId}`));
    ck.on('chatkit.thread.load.end', (e) => loads.push(`end ${e.threadId}`));
    await ck.setThreadId(id);
    expect(loads).toEqual([`start ${id}`, `end ${id}`]);
    expect(ck.state.thread?.title).toBe('Renamed');
    expect(ck.state.items.map(textOf)).toEqual(['one', 'Echo: one', 'two', 'Echo: two', 'three', 'Echo: three']);

    // Paging: keep the newest two, then walk back to the start and forward again.
    const newest = (await ck.listItems({ threadId: id, limit: 2 })).data;
    expect(newest.map(textOf)).toEqual(['Echo: three', 'three']);
    await ck.setThreadId(null);
    await ck.setThreadId(id);
    const full = ck.state.items.map((i) => i.id);
    expect(Object.isFrozen(ck.state)).toBe(true);
    // Real paging through the client: older from the oldest shown, newer from the newest shown.
    expect(await ck.loadOlder(2)).toBe(false);
    expect(ck.state.items.map((i) => i.id)).toEqual(full);
    expect(await ck.loadNewer(2)).toBe(false);
    expect(ck.state.items.map((i) => i.id)).toEqual(full);
    const older = await ck.listItems({ threadId: id, order: 'desc', after: full[4]!, limit: 2 });
    expect(older.data.map((i) => i.id)).toEqual([full[3], full[2]]);
    expect(older.has_more).toBe(true);
    const newer = await ck.listItems({ threadId: id, order: 'asc', after: full[1]!, limit: 2 });
    expect(newer.data.map((i) => i.id)).toEqual([full[2], full[3]]);

    await ck.deleteThread(other);
    expect((await ck.listThreads()).data.map((t) => t.id)).toEqual([id]);
  });

  it('retries after a user message (later items dropped locally first) and sends feedback', async () => {
    const { ck } = await kit();
    await ck.sendUserMessage({ text: 'first' });
    await ck.sendUserMessage({ text: 'second' });
    const [u1, a1] = ck.state.items;
    await ck.retryAfterItem(u1!.id);
    expect(ck.state.items.map(textOf)).toEqual(['first', 'Echo: first']);
    expect(ck.state.items[1]!.id).not.toBe(a1!.id);
    await expect(ck.submitFeedback([ck.state.items[1]!.id], 'positive')).resolves.toEqual({});
  });

  it('an in-stream error event becomes chatkit.error with allowRetry, and a 4xx keeps its message', async () => {
    const { ck, errors } = await kit();
    await ck.sendUserMessage({ text: '/fail' });
    expect(ck.state.error).toMatchObject({ code: 'stream.error', allowRetry: true });
    expect(errors.map((e) => [e.code, e.allowRetry])).toEqual([['stream.error', true]]);
    await expect(ck.listItems({ threadId: 'thr_nope' })).rejects.toMatchObject({ status: 404 });
    expect(errors[1]!.message).not.toMatch(/Error:|\n/);
  });
});

describe('widgets and client tools', () => {
  it('sends an action only from a widget the server sent; streaming and sync paths update the widget', async () => {
    const { ck, errors } = await kit();
    await ck.sendUserMessage({ text: '/widget' });
    const widget = ck.state.items.find((i) => i.type === 'widget')!;
    await expect(ck.sendCustomAction({ type: 'demo.delete_everything' }, widget.id)).rejects.toMatchObject({ code: 'action.rejected' });
    await expect(ck.sendCustomAction({ type: 'demo.approve' }, ck.state.items[0]!.id)).rejects.toMatchObject({ code: 'action.rejected' });
    expect(errors.map((e) => e.code)).toEqual(['action.rejected', 'action.rejected']);
    await ck.sendCustomAction({ type: 'demo.approve', payload: {} }, widget.id);
    const replaced = ck.state.items.find((i) => i.id === widget.id)!;
    expect(replaced.widget.children[0].value).toMatch(/^Approved by/);
    expect(textOf(ck.state.items.at(-1))).toBe('Approved.');
  });

  it('checks client tool arguments before the handler runs, then streams the tool output round trip', async () => {
    let ran = 0;
    const strict = await kit({
      clientTools: {
        get_location: {
          schema: z.object({ city: z.string() }),
          handler: () => {
            ran++;
            return { city: 'x' };
          },
        },
      },
    });
    await strict.ck.sendUserMessage({ text: '/tool' });
    expect(ran).toBe(0);
    expect(strict.errors.map((e) => e.code)).toEqual(['client_tool']);

    const { ck } = await kit({
      clientTools: { get_location: { schema: z.object({}).strict(), handler: (_args, call) => ({ city: 'Paris', call: call.callId }) } },
    });
    await ck.sendUserMessage({ text: '/tool' });
    const answer = textOf(ck.state.items.at(-1));
    expect(answer.startsWith('Tool result: ')).toBe(true);
    expect(JSON.parse(answer.slice('Tool result: '.length))).toEqual({ city: 'Paris', call: 'call_demo' });
  });
});

describe('auth', () => {
  it('a rejected secret is refreshed once and the request retried; a second 401 is auth.expired', async () => {
    const user = unique('ck');
    const good = await mint(user);
    const handed: Array<string | null> = [];
    let next = ['not-a-token', good];
    const ck = createChatKit({
      api: {
        url: `${server.url}/chatkit`,
        getClientSecret: async (c) => {
          handed.push(c);
          return next.shift() ?? 'still-bad';
        },
      },
    });
    await ck.sendUserMessage({ text: 'hi' });
    expect(handed).toEqual([null, 'not-a-token']);
    expect(textOf(ck.state.items.at(-1))).toBe('Echo: hi');

    next = [];
    const bad = createChatKit({ api: { url: `${server.url}/chatkit`, getClientSecret: async () => 'nope' } });
    let expired = 0;
    bad.on('chatkit.auth.expired', () => expired++);
    await expect(bad.listThreads()).rejects.toMatchObject({ code: 'auth.expired' });
    expect(expired).toBe(1);
  });
});

describe('attachments', () => {
  it('uploads in two phases to the upload_descriptor Parley issues, then sends the message that carries it', async () => {
    const user = unique('ck-up');
    const client = createChatKit({
      api: { url: `${server.url}/chatkit`, getClientSecret: async () => mint(user), uploadStrategy: { type: 'two_phase' } },
    });
    const bytes = new TextEncoder().encode('quarterly figures\n');
    const progress: number[] = [];
    const att = await client.uploadAttachment({
      name: 'figures.txt',
      mimeType: 'text/plain',
      data: bytes,
      onProgress: (f: number) => progress.push(f),
    });
    expect(att).toMatchObject({ type: 'file', name: 'figures.txt', mime_type: 'text/plain' });
    expect(att).not.toHaveProperty('upload_descriptor');
    expect(progress.at(-1)).toBe(1);

    await client.sendUserMessage({ text: 'see attached', attachments: [att] });
    const [mine, reply] = client.state.items;
    expect(((mine?.attachments ?? []) as Array<{ id: string }>).map((a) => a.id)).toEqual([att.id]);
    expect(textOf(reply)).toBe('Echo: see attached');

    // The same attachment cannot be sent twice: the server refuses with a 409 and the client says so.
    const errors: ChatKitError[] = [];
    client.on('chatkit.error', (e) => errors.push(e.error));
    const outcome = await client.sendUserMessage({ text: 'again', attachments: [att] }).then(
      () => 'sent',
      (err: ChatKitError) => err,
    );
    expect(outcome).toMatchObject({ code: 'CONFLICT', status: 409, allowRetry: false });
    expect(errors.map((e) => e.code)).toEqual(['CONFLICT']);
    expect(client.state.items.filter((i) => i.type === 'user_message')).toHaveLength(1);
  });
});
