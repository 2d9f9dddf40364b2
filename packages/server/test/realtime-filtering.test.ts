/**
 * Realtime filtering over real WebSockets: who receives what (members only, membership changes at once),
 * presence only about co-participants and across several connections, the handshake's checks, and MTChat's
 * event shapes with Parley's event_id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let strict: TestServer;
const open: WsClient[] = [];
const scope = { scope_level0: ['acme'] };

async function connect(userId: string, extra: { scope?: Record<string, unknown>; on?: TestServer } = {}): Promise<WsClient> {
  const s = extra.on ?? server;
  const client = await WsClient.connect(s.url, { token: tokenOf(await s.user(userId, extra.scope)) });
  open.push(client);
  return client;
}

/** Posts in `dialogId` and waits until `client` has it: every event committed before it has been delivered. */
async function barrier(client: WsClient, dialogId: string, poster: string): Promise<void> {
  const res = await (await server.user(poster)).post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'barrier' });
  expect(res.status).toBe(200);
  await client.waitFor((m) => m.type === 'message.new' && m.id === res.body.data.id, 'barrier message');
}

beforeAll(async () => {
  [server, strict] = await Promise.all([
    startServer(redisEnv()),
    startServer({ ...redisEnv(), CORS_ALLOWED_ORIGINS: 'https://app.example.com', JWT_AUTH_ENABLED: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await Promise.all([server?.close(), strict?.close()]);
});

describe('who receives a dialog event', () => {
  it('a non-member never does; joining starts the flow and leaving stops it', async () => {
    const d1 = await createDialog(server, { participants: [person('f-alice'), person('f-bob')], access_scopes: [scope] });
    const side = await createDialog(server, { participants: [person('f-alice'), person('f-carol')] });
    const carol = await connect('f-carol', { scope });
    const alice = await server.user('f-alice');

    await alice.post(`/api/v1/dialogs/${d1.id}/messages`, { content: 'before carol' });
    await barrier(carol, side.id, 'f-alice');
    expect(carol.received.filter((m) => m.dialog_id === d1.id)).toEqual([]);

    const carolApi = await server.user('f-carol', scope);
    expect((await carolApi.post(`/api/v1/dialogs/${d1.id}/join`, { display_name: 'Carol', company: 'Acme' })).status).toBe(200);
    await carol.waitFor((m) => m.type === 'participant.joined' && m.dialog_id === d1.id && m.user_id === 'f-carol', 'own join');
    const sent = await alice.post(`/api/v1/dialogs/${d1.id}/messages`, { content: 'welcome' });
    await carol.waitFor((m) => m.type === 'message.new' && m.id === sent.body.data.id, 'message after joining');

    expect((await carolApi.post(`/api/v1/dialogs/${d1.id}/leave`)).status).toBe(200);
    await carol.waitFor((m) => m.type === 'participant.left' && m.dialog_id === d1.id && m.user_id === 'f-carol', 'own leave');
    const mark = carol.received.length;
    await alice.post(`/api/v1/dialogs/${d1.id}/messages`, { content: 'after carol left' });
    await barrier(carol, side.id, 'f-alice');
    expect(carol.received.slice(mark).filter((m) => m.dialog_id === d1.id)).toEqual([]);
  });

  it('management add starts the flow and removal stops it', async () => {
    const d = await createDialog(server, { participants: [person('m-alice')] });
    const side = await createDialog(server, { participants: [person('m-alice'), person('m-dan')] });
    const dan = await connect('m-dan');
    const alice = await server.user('m-alice');

    expect((await server.admin.post(`/api/v1/management/dialogs/${d.id}/participants`, person('m-dan'))).status).toBeLessThan(300);
    await dan.waitFor((m) => m.type === 'participant.joined' && m.dialog_id === d.id && m.user_id === 'm-dan', 'added');
    const sent = await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'hi dan' });
    await dan.waitFor((m) => m.id === sent.body.data.id, 'message after being added');

    expect((await server.admin.delete(`/api/v1/management/dialogs/${d.id}/participants/m-dan`)).status).toBeLessThan(300);
    await dan.waitFor((m) => m.type === 'participant.left' && m.dialog_id === d.id && m.user_id === 'm-dan', 'removed');
    const mark = dan.received.length;
    await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'dan is gone' });
    await barrier(dan, side.id, 'm-alice');
    expect(dan.received.slice(mark).filter((m) => m.dialog_id === d.id)).toEqual([]);
  });

  it('per-user flag events go only to that user', async () => {
    const d = await createDialog(server, { participants: [person('g-alice'), person('g-bob')] });
    const alice = await connect('g-alice');
    const bob = await connect('g-bob');
    await (await server.user('g-bob')).post(`/api/v1/dialogs/${d.id}/pin`);
    await bob.waitFor((m) => m.type === 'dialog.pinned' && m.dialog_id === d.id, 'own pin');
    await barrier(alice, d.id, 'g-bob');
    expect(alice.received.filter((m) => m.type === 'dialog.pinned')).toEqual([]);
  });
});

describe('presence', () => {
  it('goes only to co-participants; several connections per user; offline only when the last closes', async () => {
    const d = await createDialog(server, { participants: [person('p-dave'), person('p-erin')] });
    await createDialog(server, { participants: [person('p-frank'), person('p-gina')] });
    const erin = await connect('p-erin');
    const frank = await connect('p-frank');
    const erinApi = await server.user('p-erin');
    const online = async () => {
      const res = await erinApi.get(`/api/v1/dialogs/${d.id}/participants`);
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.data.map((p: Msg) => [p.user_id, p.is_online]));
    };
    expect(await online()).toEqual({ 'p-dave': false, 'p-erin': true });

    const dave1 = await connect('p-dave');
    const up = await erin.waitFor((m) => m.type === 'presence.update' && m.user_id === 'p-dave', 'dave online');
    expect(up).toEqual({ type: 'presence.update', user_id: 'p-dave', is_online: true });
    expect(Object.keys(up)).toEqual(['type', 'user_id', 'is_online']);
    // Barrier for frank: presence notices are delivered in order, so once gina's arrives, dave's would have.
    await connect('p-gina');
    await frank.waitFor((m) => m.type === 'presence.update' && m.user_id === 'p-gina', 'gina online');
    expect(frank.received.filter((m) => m.user_id === 'p-dave')).toEqual([]);
    expect(await online()).toEqual({ 'p-dave': true, 'p-erin': true });

    const dave2 = await connect('p-dave');
    const sent = await erinApi.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'to both tabs' });
    await dave1.waitFor((m) => m.id === sent.body.data.id, 'tab 1');
    await dave2.waitFor((m) => m.id === sent.body.data.id, 'tab 2');

    await dave1.close();
    await dave2.ping();
    expect(await online()).toEqual({ 'p-dave': true, 'p-erin': true });
    expect(erin.received.filter((m) => m.type === 'presence.update' && m.user_id === 'p-dave')).toHaveLength(1);

    await dave2.close();
    const down = await erin.waitFor((m) => m.type === 'presence.update' && m.user_id === 'p-dave' && m.is_online === false, 'dave offline');
    expect(down).toEqual({ type: 'presence.update', user_id: 'p-dave', is_online: false });
    expect(await online()).toEqual({ 'p-dave': false, 'p-erin': true });
  });
});

describe('handshake', () => {
  it('refuses an absent or bad token, and answers pong to ping', async () => {
    const absent = await WsClient.refusal(server.url, {});
    expect(absent.status).toBe(401);
    expect(absent.body.error.code).toBe('UNAUTHORIZED');
    const bad = await WsClient.refusal(server.url, { token: 'not.a.token' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHORIZED');
    // In token mode, user_id alone is no identity.
    expect((await WsClient.refusal(server.url, { userId: 'someone' })).status).toBe(401);
    const res = await fetch(`${server.url}/api/v1/ws?token=${tokenOf(await server.user('h-amy'))}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('BAD_REQUEST');

    const amy = await connect('h-amy');
    expect(amy.received[0]).toEqual({ type: 'connected', employee_id: 'h-amy', last_event_id: expect.any(Number) });
    amy.send({ type: 'subscribe', dialog_id: '0190b6a4-0000-7000-8000-000000000000' });
    amy.socket.send(Buffer.from([1, 2, 3]));
    await amy.ping();
    expect(amy.received.map((m) => m.type)).toEqual(['connected', 'pong']);
    expect(amy.received[1]).toEqual({ type: 'pong' });
  });

  it('checks the Origin against CORS_ALLOWED_ORIGINS, and takes user_id only in legacy mode', async () => {
    const evil = await WsClient.refusal(strict.url, { userId: 'h-bea', origin: 'https://evil.example.com' });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('FORBIDDEN');
    const ok = await WsClient.connect(strict.url, { userId: 'h bea', origin: 'https://app.example.com' });
    open.push(ok);
    expect(ok.received[0]).toEqual({ type: 'connected', employee_id: 'h bea', last_event_id: expect.any(Number) });
    const missing = await WsClient.refusal(strict.url, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('user_id query parameter required');
    const empty = await WsClient.refusal(strict.url, { userId: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('user_id cannot be empty');
  });
});

describe("MTChat's event shapes", () => {
  it('every event type arrives with its MTChat fields, in order, plus an increasing event_id', async () => {
    const d = await createDialog(server, { participants: [person('s-alice'), person('s-bob')], access_scopes: [scope] });
    const bob = await connect('s-bob');
    const alice = await server.user('s-alice');
    const bobApi = await server.user('s-bob');
    const carol = await server.user('s-carol', scope);

    const sent = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'hello' })).body.data;
    await alice.put(`/api/v1/dialogs/${d.id}/messages/${sent.id}`, { content: 'hello again' });
    await bobApi.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: sent.id });
    await alice.delete(`/api/v1/dialogs/${d.id}/messages/${sent.id}`);
    await carol.post(`/api/v1/dialogs/${d.id}/join`, { display_name: 'Carol', company: 'Acme' });
    await carol.post(`/api/v1/dialogs/${d.id}/leave`);
    await bobApi.post(`/api/v1/dialogs/${d.id}/archive`);
    const last = (await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'back' })).body.data;
    await bob.waitFor((m) => m.id === last.id, 'last message');

    const events = bob.events().filter((m) => m.dialog_id === d.id);
    const byType = (type: string, pred: (m: Msg) => boolean = () => true) => events.find((m) => m.type === type && pred(m))!;
    const prefix = (m: Msg, fields: string[]) => {
      expect(m, JSON.stringify(events.map((e) => e.type))).toBeDefined();
      expect(Object.keys(m).slice(0, fields.length + 1)).toEqual(['type', ...fields]);
      expect(Object.keys(m).at(-1)).toBe('event_id');
    };
    const userMsg = byType('message.new', (m) => m.id === sent.id);
    prefix(userMsg, ['id', 'dialog_id', 'sender_id', 'content', 'sent_at', 'message_type']);
    expect(userMsg).toMatchObject({ sender_id: 's-alice', content: 'hello', message_type: 'user', sent_at: sent.sent_at });
    const system = byType('message.new', (m) => m.message_type === 'system');
    prefix(system, ['id', 'dialog_id', 'content', 'sent_at', 'message_type']);
    expect(system).not.toHaveProperty('sender_id');
    prefix(byType('message.edited'), ['id', 'dialog_id', 'content', 'last_edited_at']);
    expect(byType('message.edited').content).toBe('hello again');
    prefix(byType('message.deleted'), ['id', 'dialog_id']);
    prefix(byType('message.read'), ['dialog_id', 'user_id', 'last_read_message_id']);
    expect(byType('message.read')).toMatchObject({ user_id: 's-bob', last_read_message_id: sent.id });
    prefix(byType('participant.joined'), ['dialog_id', 'user_id']);
    expect(byType('participant.joined').user_id).toBe('s-carol');
    prefix(byType('participant.left'), ['dialog_id', 'user_id']);
    prefix(byType('dialog.archived'), ['dialog_id']);
    prefix(byType('dialog.unarchived'), ['dialog_id']);

    const ids = bob.events().map((m) => m.event_id as number);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });
});
