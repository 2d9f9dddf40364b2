/**
 * The event log: every mutation appends its events in the same transaction as its state change, with
 * increasing ids and the audience computed by events/audience.ts; a failed action leaves neither state nor events.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

interface EventRow {
  id: number;
  dialog_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  to_members: boolean;
  to_users: string[];
}

async function eventsAfter(id: number): Promise<EventRow[]> {
  const rows = await server.built.services.db.kysely
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`id > ${id}`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) })) as unknown as EventRow[];
}

async function lastId(): Promise<number> {
  const r = await sql<{ id: number | null }>`SELECT max(id) AS id FROM events`.execute(server.built.services.db.kysely);
  return Number(r.rows[0]?.id ?? 0);
}

/** Runs `fn` and returns the events it appended. */
async function captured(fn: () => Promise<unknown>): Promise<EventRow[]> {
  const before = await lastId();
  await fn();
  return eventsAfter(before);
}

describe('event log', () => {
  it('records every mutation with its events, in order, addressed by the audience rule', async () => {
    const scope = { scope_level0: ['tenant-a'] };
    let dialogId = '';
    const created = await captured(async () => {
      dialogId = (await createDialog(server, { participants: [person('alice'), person('bob')], access_scopes: [scope] })).id;
    });
    expect(created.map((e) => e.type)).toEqual(['dialog.created', 'participant.joined', 'participant.joined', 'message.new']);
    expect(created.every((e) => e.dialog_id === dialogId && e.to_members)).toBe(true);
    const ids = created.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const alice = await server.user('alice');
    const bob = await server.user('bob');
    const carol = (await server.user('carol')).withScope(scope);

    let messageId = '';
    const sent = await captured(async () => {
      const r = await alice.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'hello' });
      messageId = r.body.data.id;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: 'message.new',
      to_members: true,
      payload: { id: messageId, sender_id: 'alice', content: 'hello', message_type: 'user' },
    });

    const edited = await captured(() => alice.put(`/api/v1/dialogs/${dialogId}/messages/${messageId}`, { content: 'hello!' }));
    expect(edited.map((e) => [e.type, e.payload.content])).toEqual([['message.edited', 'hello!']]);

    const read = await captured(() => bob.post(`/api/v1/dialogs/${dialogId}/read`, { last_read_message_id: messageId }));
    expect(read.map((e) => [e.type, e.payload.user_id])).toEqual([['message.read', 'bob']]);

    const archived = await captured(() => bob.post(`/api/v1/dialogs/${dialogId}/archive`));
    expect(archived).toEqual([expect.objectContaining({ type: 'dialog.archived', to_members: false, to_users: ['bob'] })]);
    // Idempotent: archiving again changes nothing and records nothing.
    expect(await captured(() => bob.post(`/api/v1/dialogs/${dialogId}/archive`))).toEqual([]);

    const unarchivedBySend = await captured(() => alice.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'wake up' }));
    expect(unarchivedBySend.map((e) => e.type)).toEqual(['dialog.unarchived', 'message.new']);
    expect(unarchivedBySend[0]).toMatchObject({ to_members: false, to_users: ['bob'] });

    const joined = await captured(() => carol.post(`/api/v1/dialogs/${dialogId}/join`, { display_name: 'Carol', company: 'C' }));
    expect(joined.map((e) => e.type)).toEqual(['message.new', 'participant.joined']);
    expect(joined[0]!.payload).toMatchObject({ message_type: 'system' });

    const left = await captured(() => carol.post(`/api/v1/dialogs/${dialogId}/leave`));
    expect(left.map((e) => e.type)).toEqual(['message.new', 'participant.left']);
    expect(left[1]).toMatchObject({ to_members: true, to_users: ['carol'], payload: { user_id: 'carol', reason: 'left' } });

    const deletedMsg = await captured(() => alice.delete(`/api/v1/dialogs/${dialogId}/messages/${messageId}`));
    expect(deletedMsg.map((e) => e.type)).toEqual(['message.deleted']);

    const removed = await captured(() => server.admin.delete(`/api/v1/management/dialogs/${dialogId}/participants/bob`));
    expect(removed).toEqual([expect.objectContaining({ type: 'participant.left', to_users: ['bob'] })]);

    const deleted = await captured(() => server.admin.delete(`/api/v1/management/dialogs/${dialogId}`));
    expect(deleted).toEqual([expect.objectContaining({ type: 'dialog.deleted', to_members: false, to_users: ['alice'] })]);
  });

  it('writes neither state nor events when an action fails half-way', async () => {
    const { id } = await createDialog(server, { participants: [person('dave'), person('erin')] });
    const other = await createDialog(server, { participants: [person('dave')] });
    const dave = await server.user('dave');
    const foreign = (await dave.post(`/api/v1/dialogs/${other.id}/messages`, { content: 'elsewhere' })).body.data.id;
    const before = await lastId();
    const res = await dave.post(`/api/v1/dialogs/${id}/messages`, { content: 'reply', reply_to: foreign });
    expect(res.status).toBe(400);
    expect(await eventsAfter(before)).toEqual([]);
    const page = await dave.get(`/api/v1/dialogs/${id}/messages`);
    expect(page.body.data.messages.map((m: { content: string }) => m.content)).not.toContain('reply');
  });
});

describe('unread counts are O(1) per message', () => {
  it('a send touches only the dialog row and the sender row, whatever the dialog size', async () => {
    const people = Array.from({ length: 300 }, (_, i) => person(`member-${i}`));
    const { id } = await createDialog(server, { participants: people });
    const db = server.built.services.db.kysely;
    const versions = async () =>
      new Map(
        (
          await sql<{
            user_id: string;
            v: string;
          }>`SELECT user_id, xmin::text AS v FROM dialog_participants WHERE dialog_id = ${id}`.execute(db)
        ).rows.map((r) => [r.user_id, r.v]),
      );
    const before = await versions();
    const sender = await server.user('member-7');
    expect((await sender.post(`/api/v1/dialogs/${id}/messages`, { content: 'to all' })).status).toBe(200);
    const after = await versions();
    const changed = [...after].filter(([u, v]) => before.get(u) !== v).map(([u]) => u);
    expect(changed).toEqual(['member-7']);
    // ...and yet every other member now has one unread message.
    const reader = await server.user('member-200');
    const list = await reader.get('/api/v1/dialogs');
    expect(list.body.data.find((d: { id: string }) => d.id === id).unread_count).toBe(1);
  });
});
