/**
 * Edits, joins and leaves draw from the per-user send bucket (item 11 of issue #16): 40 join/leave cycles in a
 * burst used to write 80 system messages (and their webhooks), and edits only counted against the general bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { send } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

const RPS = 1;
const BURST = 5;

/** The most a bucket of RPS/BURST can grant within `ms` (the burst, plus one refill per started second, plus the first). */
const mostGranted = (ms: number) => BURST + RPS * (Math.ceil(ms / 1000) + 1);

describe('send bucket for edits, joins and leaves', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_SEND_RPS: String(RPS), RATE_LIMIT_SEND_BURST: String(BURST) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('turns a join/leave spam into 429s, and writes one system message per granted join or leave only', async () => {
    const dialog = await createDialog(server, { participants: [person('owner')], access_scopes: [{ scope_level0: ['acme'] }] });
    const mallory = (await server.user('mallory')).withScope({ scope_level0: ['acme'] });
    const owner = await server.user('owner');
    const before = (await owner.get(`/api/v1/dialogs/${dialog.id}/messages?limit=200`)).body.data.messages.length;
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await mallory.post(`/api/v1/dialogs/${dialog.id}/join`, { display_name: 'M', company: 'X' })).status);
      statuses.push((await mallory.post(`/api/v1/dialogs/${dialog.id}/leave`)).status);
    }
    const elapsed = Date.now() - started;
    const granted = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429 && s !== 403 && s !== 404)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(granted).toBeLessThanOrEqual(mostGranted(elapsed));
    const after = (await owner.get(`/api/v1/dialogs/${dialog.id}/messages?limit=200`)).body.data.messages.length;
    expect(after - before).toBeLessThanOrEqual(granted);
  });

  it('counts edits against the send bucket', async () => {
    const dialog = await createDialog(server, { participants: [person('erin')] });
    const erin = await server.user('erin');
    const m = await send(erin, dialog.id, 'v0');
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 1; i <= 30; i++)
      statuses.push((await erin.put(`/api/v1/dialogs/${dialog.id}/messages/${m.id}`, { content: `v${i}` })).status);
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(0);
    expect(30 - limited).toBeLessThanOrEqual(mostGranted(Date.now() - started));
  });
});
