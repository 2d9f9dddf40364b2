/**
 * @parley/chatkit against a second ChatKit implementation, chatkit-node-backend-sdk (npm): create and continue a
 * thread, the reducer on its deltas and progress, history (list, load, rename, delete), feedback, a widget action
 * with notice and client effect, a client tool round trip, and a two-phase upload through its legacy `upload_url`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatKit, type ChatKitItem } from '@parley/chatkit';
import { type NodeSdkPeer, startNodeSdkServer } from './support/node-sdk-server.js';

let peer: NodeSdkPeer;
beforeAll(async () => {
  peer = await startNodeSdkServer();
});
afterAll(() => peer?.close());

const textOf = (item: ChatKitItem | undefined): string =>
  (item?.content as Array<{ text?: string }> | undefined)?.map((c) => c.text).join('') ?? '';

describe('chatkit-node-backend-sdk as the server', () => {
  it('creates and continues a thread, then lists, loads, renames and deletes it, and sends feedback', async () => {
    const ck = createChatKit({ api: { url: `${peer.url}/chatkit`, domainKey: 'dk' } });
    const progress: string[] = [];
    ck.on('chatkit.state', (s) => s.progress && progress.push(s.progress.text));
    await ck.sendUserMessage({ text: 'hello there' });
    await ck.sendUserMessage({ text: 'again' });
    const id = ck.state.threadId!;
    expect(ck.state.items.map(textOf)).toEqual(['hello there', 'Echo: hello there', 'again', 'Echo: again']);
    expect(progress).toContain('thinking');
    expect((await ck.listThreads()).data.map((t) => t.id)).toEqual([id]);
    await ck.renameThread(id, 'Named');
    await ck.setThreadId(null);
    await ck.setThreadId(id);
    expect(ck.state.thread?.title).toBe('Named');
    expect(ck.state.items.map(textOf)).toEqual(['hello there', 'Echo: hello there', 'again', 'Echo: again']);
    await expect(ck.submitFeedback([ck.state.items[1]!.id], 'negative')).resolves.toEqual({});
    await ck.deleteThread(id);
    expect((await ck.listThreads()).data).toEqual([]);
    expect(ck.state.threadId).toBeNull();
  });

  it('widget action: notice, client effect and the reply; client tool round trip', async () => {
    const effects: string[] = [];
    const ck = createChatKit({
      api: { url: `${peer.url}/chatkit` },
      clientTools: {
        get_location: { schema: { parse: (v) => v as { precise: boolean } }, handler: (args) => ({ city: args.precise ? 'Lyon' : '?' }) },
      },
    });
    ck.on('chatkit.effect', (e) => effects.push(`${e.name} ${JSON.stringify(e.data)}`));
    await ck.sendUserMessage({ text: '/widget' });
    const widget = ck.state.items.find((i) => i.type === 'widget')!;
    await ck.sendCustomAction({ type: 'node.go', payload: { n: 1 } }, widget.id);
    expect(ck.state.notices.map((n) => n.message)).toEqual([`action node.go on ${widget.id}`]);
    expect(effects).toEqual(['confetti {"n":1}']);
    expect(textOf(ck.state.items.at(-1))).toBe('Echo: node.go');

    await ck.sendUserMessage({ text: '/tool' });
    expect(textOf(ck.state.items.at(-1))).toBe('Tool done');
  });

  it('two-phase upload through the legacy upload_url, and attachments.delete', async () => {
    const ck = createChatKit({ api: { url: `${peer.url}/chatkit`, uploadStrategy: { type: 'two_phase' } } });
    const att = await ck.uploadAttachment({ name: 'n.txt', mimeType: 'text/plain', data: new TextEncoder().encode('abc') });
    expect(att).toMatchObject({ type: 'file', name: 'n.txt', mime_type: 'text/plain' });
    expect(att).not.toHaveProperty('upload_url');
    expect(peer.uploads).toEqual([`POST /upload/${att.id} multipart/form-data`]);
    await ck.deleteAttachment(att.id);
    expect(peer.deleted).toEqual([att.id]);
  });
});
