/** The client's REST surfaces against a real server: typed results, the state they feed, errors as ParleyError. */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/test/support/server.js';
import { ParleyError, selectMessages, type ErrorEvent } from '../src/index.js';
import { dialogWith, nodeClient, uid } from './support/clients.js';
import type { HostBackend } from './support/host.js';
import { hostedServerPerFile } from './support/hosted-server.js';

let server: TestServer;
let host: HostBackend;
hostedServerPerFile((s, h) => {
  server = s;
  host = h;
});

describe('hosted mode REST', () => {
  it('asks the host for a token only when the first call needs one, then reuses it', async () => {
    const alice = uid('alice');
    const client = nodeClient(server.url, host.auth(alice));
    expect(host.minted(alice)).toBe(0);
    await client.dialogs.list();
    await client.dialogs.list({ archived: false });
    expect(host.minted(alice)).toBe(1);
  });

  it('sends, lists, edits and deletes messages, and the promise resolves with the stored message', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const client = nodeClient(server.url, host.auth(alice));

    const sending = client.messages.send(dialogId, 'Hello <b>Bob</b>');
    // Optimistic: the pending copy is in the state before the server answers.
    const pending = selectMessages(client.state.get(), dialogId);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ pending: true, content: 'Hello <b>Bob</b>' });
    const stored = await sending;
    expect(stored).toMatchObject({ dialog_id: dialogId, sender_id: alice, content: 'Hello <b>Bob</b>', message_type: 'user' });
    expect(client.state.get().pending[dialogId]).toBeUndefined();

    const page = await client.messages.list(dialogId);
    expect(page.messages.map((m) => m.id)).toContain(stored.id);
    expect(client.state.get().chat.messages[dialogId]!.map((m) => m.id)).toContain(stored.id);

    const edited = await client.messages.edit(dialogId, stored.id, 'Hello again');
    expect(edited.content).toBe('Hello again');
    expect(edited.last_edited_at).not.toBeNull();
    expect((await client.messages.get(dialogId, stored.id)).content).toBe('Hello again');

    await client.messages.delete(dialogId, stored.id);
    const err = await client.messages.get(dialogId, stored.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toMatchObject({ code: 'MESSAGE_NOT_FOUND', status: 404, retryable: false });
  });

  it('a resend with the same client_message_id returns the stored message instead of a duplicate', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    const client = nodeClient(server.url, host.auth(alice));
    const first = await client.messages.send(dialogId, { content: 'once', client_message_id: 'cmid-1' });
    const again = await client.messages.send(dialogId, { content: 'once', client_message_id: 'cmid-1' });
    expect(again.id).toBe(first.id);
    const page = await client.messages.list(dialogId);
    expect(page.messages.filter((m) => m.message_type === 'user')).toHaveLength(1);
  });

  it('keeps the order of sends made back to back', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    const client = nodeClient(server.url, host.auth(alice));
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => client.messages.send(dialogId, `m${i}`)));
    const page = await client.messages.list(dialogId, { limit: 50 });
    const contents = page.messages.filter((m) => m.message_type === 'user').map((m) => m.content);
    expect(contents).toEqual(sent.map((_, i) => `m${i}`));
  });

  it('lists dialogs with unread counts, participants with presence, and changes per-user flags', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const dialogId = await dialogWith(server.admin, [alice, bob]);
    const bobClient = nodeClient(server.url, host.auth(bob));
    await bobClient.messages.send(dialogId, 'one');
    await bobClient.messages.send(dialogId, 'two');

    const client = nodeClient(server.url, host.auth(alice));
    const [view] = (await client.dialogs.list()).filter((d) => d.id === dialogId);
    expect(view).toMatchObject({ id: dialogId, unread_count: 2, i_am_participant: true });
    const participants = await client.participants.list(dialogId);
    expect(participants.map((p) => p.user_id).sort()).toEqual([alice, bob].sort());
    expect(typeof participants[0]!.is_online).toBe('boolean');

    await client.sync();
    expect(client.state.get().chat.dialogs[dialogId]).toMatchObject({ unread_count: 2, is_archived: false, is_pinned: false });
    await client.dialogs.archive(dialogId);
    await client.dialogs.pin(dialogId);
    await client.dialogs.setNotifications(dialogId, false);
    expect(client.state.get().chat.dialogs[dialogId]).toMatchObject({ is_archived: true, is_pinned: true, notifications_enabled: false });
    const [archived] = (await client.dialogs.list({ archived: true })).filter((d) => d.id === dialogId);
    expect(archived).toMatchObject({ is_archived: true, is_pinned: true, notifications_enabled: false });
    await client.dialogs.unarchive(dialogId);
    await client.dialogs.unpin(dialogId);

    const page = await client.messages.list(dialogId);
    await client.dialogs.read(dialogId, page.messages[page.messages.length - 1]!.id);
    const [read] = (await client.dialogs.list()).filter((d) => d.id === dialogId);
    expect(read).toMatchObject({ unread_count: 0, is_archived: false, is_pinned: false });
  });

  it('finds dialogs by object, and joins and leaves one its scope allows', async () => {
    const alice = uid('alice');
    const objectId = uid('tender');
    const dialogId = await dialogWith(server.admin, [uid('owner')], {
      object_id: objectId,
      object_type: 'tender',
      access_scopes: [{ scope_level0: ['acme'] }],
    });
    const client = nodeClient(server.url, host.auth(alice), { scope: { scope_level0: ['acme'] } });
    const available = await client.dialogs.list({ type: 'available' });
    expect(available.map((d) => d.id)).toContain(dialogId);
    expect(await client.dialogs.byObject('tender', objectId)).toMatchObject({ id: dialogId, can_join: true });
    expect((await client.dialogs.listByObject('tender', objectId)).map((d) => d.id)).toEqual([dialogId]);

    expect(await client.dialogs.join(dialogId, { display_name: 'Alice', company: 'Acme' })).toEqual({
      dialog_id: dialogId,
      status: 'joined',
    });
    expect((await client.dialogs.get(dialogId)).i_am_participant).toBe(true);
    await client.dialogs.leave(dialogId);
    expect((await client.dialogs.get(dialogId)).i_am_participant).toBe(false);
  });

  it('rejects a send the server refuses with a typed, non-retryable error, drops the pending copy and emits error', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [uid('bob')]);
    const client = nodeClient(server.url, host.auth(alice));
    const errors: ErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const err = await client.messages.send(dialogId, 'not mine').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toMatchObject({ code: 'DIALOG_NOT_FOUND', status: 404, retryable: false });
    expect(client.state.get().pending[dialogId]).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: 'DIALOG_NOT_FOUND', retryable: false })]);
    expect(client.queuedSends).toBe(0);
  });
});

describe('custom mode REST', () => {
  it('asks for headers on every request and tells the function which request it signs', async () => {
    const alice = uid('alice');
    const token = await host.mint(alice);
    const seen: string[] = [];
    const client = nodeClient(server.url, {
      headers(request) {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return { authorization: `Bearer ${token}` };
      },
    });
    const dialogId = await dialogWith(server.admin, [alice]);
    await client.dialogs.get(dialogId);
    await client.messages.send(dialogId, 'hi');
    expect(seen).toEqual([`GET /api/v1/dialogs/${dialogId}`, `POST /api/v1/dialogs/${dialogId}/messages`]);
  });

  it('turns a refused credential into UNAUTHORIZED with auth.expired, without retrying the same headers', async () => {
    let calls = 0;
    const client = nodeClient(server.url, {
      headers() {
        calls += 1;
        return { authorization: 'Bearer not-a-token' };
      },
    });
    const expired: unknown[] = [];
    client.on('auth.expired', (e) => expired.push(e));
    const err = await client.dialogs.list().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(expired).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED', refreshing: false })]);
    // One request's headers, then one look at whether they changed: no second request with the same credentials.
    expect(calls).toBe(2);
  });
});
