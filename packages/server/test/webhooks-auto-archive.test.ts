/**
 * Auto-archive (spec §5.4) on ARCHIVE_CRON / ARCHIVE_AFTER_SECS: participants of dialogs without activity since the
 * cutoff are archived, each with a dialog.archived event; a dialog without messages counts from its creation, so
 * a new one is not archived (MTChat archives it on the next tick).
 */
import { afterEach, expect, it } from 'vitest';
import { unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';
import { eventually } from './support/poll.js';
import { ManualClock } from './support/manual-clock.js';

const EVERY_SECOND = '* * * * * *';
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function archivedFlags(s: TestServer, dialogId: string): Promise<Record<string, boolean>> {
  const res = await s.admin.get(`/api/v1/management/dialogs/${dialogId}`);
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.data.participants.map((p: any) => [p.user_id, p.is_archived]));
}

async function archivedEvents(s: TestServer, dialogId: string) {
  const rows = await s.built.services.db.kysely
    .selectFrom('events')
    .selectAll()
    .where('dialog_id', '=', dialogId)
    .where('type', '=', 'dialog.archived')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ user_id: r.payload.user_id, to_users: r.to_users, to_members: r.to_members }));
}

it('archives every participant of an inactive dialog, with one dialog.archived per user, and a dialog without messages once it is old', async () => {
  server = await startServer({ ARCHIVE_CRON: EVERY_SECOND, ARCHIVE_AFTER_SECS: '1' });
  const [a, b, c] = ['a', 'b', 'c'].map(unique) as [string, string, string];
  const talked = await createDialog(server, { participants: [person(a), person(b)] });
  const empty = await createDialog(server, { participants: [] });
  expect((await server.admin.post(`/api/v1/management/dialogs/${empty.id}/participants`, person(c))).status).toBe(201);

  const s = server;
  await eventually(async () => {
    const [t, e] = [await archivedFlags(s, talked.id), await archivedFlags(s, empty.id)];
    return t[a] && t[b] && e[c];
  }, 'archived');
  const events = await archivedEvents(s, talked.id);
  expect(events.map((e) => e.user_id).sort()).toEqual([a, b].sort());
  for (const e of events) expect(e).toEqual({ user_id: e.user_id, to_users: [e.user_id], to_members: false });
  expect((await archivedEvents(s, empty.id)).map((e) => e.user_id)).toEqual([c]);
  const jobs = (await s.admin.get('/api/v1/management/jobs')).body.data.auto_archive;
  expect(jobs).toMatchObject({ cron: EVERY_SECOND, after_secs: 1 });
  expect(jobs.last_tick_at).toEqual(expect.any(String));
});

it('does not archive a new dialog that has no messages yet', async () => {
  server = await startServer({ ARCHIVE_CRON: EVERY_SECOND, ARCHIVE_AFTER_SECS: '3600' });
  const u = unique('u');
  const fresh = await createDialog(server, { participants: [] });
  expect((await server.admin.post(`/api/v1/management/dialogs/${fresh.id}/participants`, person(u))).status).toBe(201);
  const ready = Date.now();
  // Wait for a whole run that started after the dialog existed.
  const s = server;
  await eventually(async () => {
    const tick = (await s.admin.get('/api/v1/management/jobs')).body.data.auto_archive.finished_tick_at;
    return tick !== null && Date.parse(tick) > ready;
  }, 'a finished run');
  expect(await archivedFlags(s, fresh.id)).toEqual({ [u]: false });
  expect(await archivedEvents(s, fresh.id)).toEqual([]);
});

it('can be turned off', async () => {
  server = await startServer({ ARCHIVE_CRON: 'off' });
  const res = await server.admin.get('/api/v1/management/jobs');
  expect(res.body.data.auto_archive).toMatchObject({ cron: null, last_tick_at: null });
});

it('waits for each cron tick on the injected clock, and archives once the clock is past the inactivity window', async () => {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  server = await startServer({ ARCHIVE_CRON: '0 * * * * *', ARCHIVE_AFTER_SECS: '3600' }, { clock });
  const [a, b] = ['a', 'b'].map(unique) as [string, string];
  const talked = await createDialog(server, { participants: [person(a), person(b)] });
  const s = server;
  const finishedTick = async () => (await s.admin.get('/api/v1/management/jobs')).body.data.auto_archive.finished_tick_at as string | null;

  // Nothing runs while the clock stands still; the next whole minute runs a tick, which finds the dialog active.
  expect(await finishedTick()).toBeNull();
  clock.advance(60_000);
  const first = await eventually(finishedTick, 'the first tick');
  expect(Date.parse(first) % 60_000).toBe(0);
  expect(Date.parse(first)).toBeGreaterThan(start);
  expect(await archivedFlags(s, talked.id)).toEqual({ [a]: false, [b]: false });

  // An hour of the clock later, a tick archives it.
  await eventually(async () => {
    clock.advance(5 * 60_000);
    const flags = await archivedFlags(s, talked.id);
    return flags[a] && flags[b];
  }, 'archived');
  expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(3_600_000);
});
