/**
 * Issue 16, item 3: deleted and edited text must not come back through replay. A member resuming from
 * last_event_id=0 (WebSocket or SSE) used to receive the original message.new text of messages deleted or edited
 * since. Now a resume shows messages as they read now: a deleted one only as its message.deleted, an edited one
 * with its current text in its message.new and in every message.edited (docs/events.md, "What a resume shows").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, DialogEvent, type ChatState } from '@parley/protocol';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, SseClient, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
const clients: { close(): unknown }[] = [];

beforeAll(async () => {
  server = await startServer(redisEnv());
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

describe('resume after edits and deletions', () => {
  it('never replays deleted or replaced text, over WebSocket or SSE, and the replay still rebuilds the state', async () => {
    const d = await createDialog(server, { participants: [person('x-alice'), person('x-bob')] });
    const alice = await server.user('x-alice');
    const bob = await server.user('x-bob');
    const post = async (content: string) => (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content })).body.data;
    const kept = await post('kept as it was');
    const gone = await post('SECRET-deleted-text');
    const edited = await post('DRAFT-first-text');
    expect((await alice.put(`/api/v1/dialogs/${d.id}/messages/${edited.id}`, { content: 'DRAFT-second-text' })).status).toBe(200);
    expect((await alice.put(`/api/v1/dialogs/${d.id}/messages/${edited.id}`, { content: 'final text' })).status).toBe(200);
    expect((await alice.delete(`/api/v1/dialogs/${d.id}/messages/${gone.id}`)).status).toBe(204);
    const last = await post('the last one');

    const ws = await WsClient.connect(server.url, { token: tokenOf(bob), lastEventId: 0 });
    const sse = await SseClient.connect(server.url, tokenOf(bob), { lastEventId: 0 });
    clients.push(ws, sse);
    for (const [who, c] of [
      ['WebSocket', ws],
      ['SSE', sse],
    ] as const) {
      await c.waitFor((m) => m.type === 'message.new' && m.id === last.id, `${who}: the last message`);
      const mine = c.events().filter((m) => m.dialog_id === d.id);
      const text = JSON.stringify(mine);
      expect(text, who).not.toContain('SECRET-deleted-text');
      expect(text, who).not.toContain('DRAFT-');
      expect(
        mine.filter((m) => m.id === gone.id).map((m) => m.type),
        who,
      ).toEqual(['message.deleted']);
      const newOfEdited = mine.find((m) => m.type === 'message.new' && m.id === edited.id)!;
      expect(newOfEdited, who).toMatchObject({ content: 'final text', last_edited_at: expect.any(String) });
      expect(
        mine.filter((m) => m.type === 'message.edited').map((m) => m.content),
        who,
      ).toEqual(['final text', 'final text']);
      expect(
        mine.find((m) => m.id === kept.id),
        who,
      ).toMatchObject({ content: 'kept as it was', last_edited_at: null });

      // The replayed events still rebuild exactly what the API shows now.
      const empty: ChatState = { user_id: 'x-bob', dialogs: {}, messages: {} };
      const page = await bob.get(`/api/v1/dialogs/${d.id}/messages?limit=200`);
      const start: ChatState = {
        ...empty,
        dialogs: {
          [d.id]: {
            unread_count: 0,
            is_archived: false,
            is_pinned: false,
            notifications_enabled: true,
            participants: [],
            last_message_id: null,
          },
        },
        messages: { [d.id]: [] },
      };
      const rebuilt = mine.reduce<ChatState>((s, e: Msg) => applyEvent(s, DialogEvent.parse(e)), start);
      const shown = (list: { id: string; content: string }[]) => list.map((m) => [m.id, m.content]);
      expect(shown(rebuilt.messages[d.id]!), who).toEqual(shown(page.body.data.messages));
    }
  });
});
