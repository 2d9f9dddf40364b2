/**
 * A resume whose replay fails for another reason than a lost database (here, a log row the replay cannot read)
 * tells the client to resync, and says why in the log: the failure is never swallowed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { eventually } from './support/poll.js';
import { tokenOf, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

const logLines: string[] = [];
let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer({ LOG_LEVEL: 'warn' }, { logLines });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

it('answers resync_required to a replay that fails, and logs the failure', async () => {
  const d = await createDialog(server, { participants: [person('rf-alice'), person('rf-bob')] });
  const alice = await server.user('rf-alice');
  const watcher = await WsClient.connect(server.url, { token: tokenOf(alice) });
  clients.push(watcher);
  expect((await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'before' })).status).toBe(200);
  const db = server.built.services.db.kysely;
  const { last } = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('last'))
    .executeTakeFirstOrThrow();
  const cursor = Number(last);
  // A message.new whose message id is no id: the replay's read of the current text fails on it.
  await db
    .insertInto('events')
    .values({
      dialog_id: d.id,
      type: 'message.new',
      payload: JSON.stringify({ id: 'not-an-id', dialog_id: d.id, content: 'x' }),
      to_members: true,
      to_users: [],
      created_at: new Date(),
    })
    .execute();
  // Once a live client has a later message, the instance has read the log past the bad row: a replay reads it.
  const after = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'after' })).body.data;
  await watcher.waitFor((m) => m.id === after.id, 'the message after the bad row');
  const client = await WsClient.connect(server.url, { token: tokenOf(await server.user('rf-bob')), lastEventId: cursor });
  clients.push(client);
  await client.waitFor((m) => m.type === 'resync_required', 'resync_required');
  const line = await eventually(
    () => logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'realtime: replay failed, the client is told to resync'),
    'a log line about the failed replay',
  );
  expect(line).toMatchObject({ userId: 'rf-bob', cursor });
  expect(line.err.message).toBeTruthy();
});
