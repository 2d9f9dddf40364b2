/**
 * The content limit holds for what is stored, served and sent in events (item 2 of issue #16): input that
 * the sanitizer grows past 50,000 bytes (a `rel` added to every link) is refused, on send and on edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, utf8Length } from '@parley/protocol';
import { createDialog, expectError, person } from './support/fixtures.js';
import { send } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';
import type { Api } from './support/api.js';

describe('content limit after sanitizing', () => {
  let server: TestServer;
  let alice: Api;
  let dialogId: string;

  beforeAll(async () => {
    server = await startServer();
    dialogId = (await createDialog(server, { participants: [person('alice')] })).id;
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a send that grows past the limit when sanitized, and stores nothing', async () => {
    const bomb = '<a>'.repeat(16_666);
    expect(utf8Length(bomb)).toBeLessThanOrEqual(LIMITS.messageContentBytes);
    const res = await alice.post(`/api/v1/dialogs/${dialogId}/messages`, { content: bomb });
    expectError(res, 400, 'INVALID_INPUT');
    expect(res.body.error.message).toContain('once sanitized');
    const list = await alice.get(`/api/v1/dialogs/${dialogId}/messages?limit=200`);
    expect(list.body.data.messages.filter((m: { message_type: string }) => m.message_type === 'user')).toEqual([]);
  });

  it('refuses such an edit and keeps the message as it was', async () => {
    const m = await send(alice, dialogId, '<p>short</p>');
    const res = await alice.put(`/api/v1/dialogs/${dialogId}/messages/${m.id}`, { content: '<a href="https://x.example">'.repeat(1_700) });
    expectError(res, 400, 'INVALID_INPUT');
    const after = await alice.get(`/api/v1/dialogs/${dialogId}/messages/${m.id}`);
    expect(after.body.data.content).toBe('<p>short</p>');
    expect(after.body.data.last_edited_at ?? null).toBeNull();
  });

  it('accepts content that stays within the limit once sanitized, and stores exactly that', async () => {
    const links = '<a href="https://x.example">x</a>'.repeat(500);
    const m = await send(alice, dialogId, links);
    expect(utf8Length(m.content)).toBeLessThanOrEqual(LIMITS.messageContentBytes);
    expect(m.content).toContain('rel="noopener noreferrer"');
    const plain = await send(alice, dialogId, 'a'.repeat(LIMITS.messageContentBytes));
    expect(plain.content.length).toBe(LIMITS.messageContentBytes);
  });
});
