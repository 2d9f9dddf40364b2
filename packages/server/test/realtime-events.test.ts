/**
 * The event-correctness test (Zulip's verify_action): for every action, fetch a user's state over HTTP, run
 * the action, collect the events that user received over the WebSocket, apply them with the protocol's
 * reducer, and compare with a fresh fetch. It also fails when the events leave the state unchanged although
 * the action changed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, DialogEvent, needsFetch, type ChatState, type Message } from '@parley/protocol';
import type { Api } from './support/api.js';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, tokenOf, WsClient, type Msg } from './support/realtime.js';
import { download, pdf, png, sendWith, upload } from './support/files.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
const scope = { scope_level0: ['evt'] };

interface User {
  id: string;
  api: Api;
  ws: WsClient;
  /** A dialog of the user's own, whose pin is toggled as a delivery barrier. */
  barrierDialog: string;
}
const users: Record<string, User> = {};
let dialog = '';

async function makeUser(id: string): Promise<User> {
  const api = await server.user(id, scope);
  const ws = await WsClient.connect(server.url, { token: tokenOf(api) });
  const barrierDialog = (await createDialog(server, { participants: [person(id)] })).id;
  return { id, api, ws, barrierDialog };
}

/** The state a client would load: its dialogs (flags, unread, participants, last message) and their messages. */
async function stateOf(u: User): Promise<ChatState> {
  const list = await u.api.get('/api/v1/dialogs?type=participating');
  expect(list.status).toBe(200);
  const state: ChatState = { user_id: u.id, dialogs: {}, messages: {} };
  for (const d of list.body.data) {
    state.dialogs[d.id] = {
      unread_count: d.unread_count,
      is_archived: d.is_archived,
      is_pinned: d.is_pinned,
      notifications_enabled: d.notifications_enabled,
      participants: (d.participants ?? []).map((p: Msg) => p.user_id),
      last_message_id: d.last_message?.id ?? null,
    };
    const page = await u.api.get(`/api/v1/dialogs/${d.id}/messages?limit=200`);
    expect(page.status).toBe(200);
    state.messages[d.id] = page.body.data.messages.map(withStableLinks);
  }
  return state;
}

/**
 * Attachment links are signed when they are served and expire, so two fetches never give the same query string;
 * everything else about an attachment (the link's target included) must match exactly.
 */
function withStableLinks(m: Message): Message {
  if (!m.attachments) return m;
  const stable = (u: string | undefined) => u?.split('?')[0];
  return {
    ...m,
    attachments: m.attachments.map((a) => ({
      ...a,
      url: stable(a.url)!,
      ...(a.thumbnail_url ? { thumbnail_url: stable(a.thumbnail_url) } : {}),
    })),
  };
}

/** Order-insensitive where the API's order is not part of the contract (participants); attachments are compared whole. */
function normal(s: ChatState): ChatState {
  const dialogs = Object.fromEntries(Object.entries(s.dialogs).map(([id, d]) => [id, { ...d, participants: [...d.participants].sort() }]));
  return { ...s, dialogs };
}

/** Pin and unpin the user's barrier dialog; once the unpin arrives, every earlier event has arrived. */
async function barrier(u: User, from: number): Promise<void> {
  await u.api.post(`/api/v1/dialogs/${u.barrierDialog}/pin`);
  await u.api.post(`/api/v1/dialogs/${u.barrierDialog}/unpin`);
  await u.ws.waitFor((m) => m.type === 'dialog.unpinned' && m.dialog_id === u.barrierDialog, `barrier for ${u.id}`, from);
}

/**
 * Runs `action` and checks, for each observer: state before + received events (reducer) == state after, and
 * that the state did change. Returns the events each observer received.
 */
async function verify(observers: User[], action: () => Promise<unknown>): Promise<Record<string, Msg[]>> {
  const before = await Promise.all(observers.map(stateOf));
  const marks = observers.map((u) => u.ws.received.length);
  await action();
  await Promise.all(observers.map((u, i) => barrier(u, marks[i]!)));
  const received: Record<string, Msg[]> = {};
  for (const [i, u] of observers.entries()) {
    const events = u.ws.received.slice(marks[i]).filter((m) => typeof m.event_id === 'number');
    received[u.id] = events;
    // Every event matches the protocol's schema (the client parses them with it).
    const reduced = events.reduce<ChatState>((s, e) => applyEvent(s, DialogEvent.parse(e)), before[i]!);
    for (const [id, list] of Object.entries(reduced.messages)) reduced.messages[id] = list.map(withStableLinks);
    const fresh = await stateOf(u);
    expect(normal(reduced), `${u.id}: reducer vs fresh fetch`).toEqual(normal(fresh));
    expect(normal(fresh), `${u.id}: the action changed nothing`).not.toEqual(normal(before[i]!));
  }
  return received;
}

const last = async (u: User) => (await stateOf(u)).dialogs[dialog]!.last_message_id!;

beforeAll(async () => {
  server = await startServer(redisEnv());
  for (const id of ['ev-alice', 'ev-bob', 'ev-carol']) users[id] = await makeUser(id);
  dialog = (await createDialog(server, { participants: [person('ev-alice'), person('ev-bob')], access_scopes: [scope] })).id;
});
afterAll(async () => {
  await Promise.all(Object.values(users).map((u) => u.ws.close()));
  await server?.close();
});

describe('events reproduce the state', () => {
  it('send', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    await verify([alice!, bob!], () => alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: '<b>hi</b> bob' }));
    await verify([alice!, bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'hi alice' }));
  });

  it('send with files (an image with its thumbnail, and a PDF)', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    const image = await upload(alice!.api, dialog, { filename: 'chart.png', content_type: 'image/png', bytes: await png() });
    const doc = await upload(alice!.api, dialog, { filename: 'terms.pdf', content_type: 'application/pdf', bytes: pdf() });
    let sent: Message | undefined;
    const received = await verify([alice!, bob!], async () => {
      const marks = [alice!, bob!].map((u) => u.ws.received.length);
      const res = await sendWith(alice!.api, dialog, [image.attachment, doc.attachment]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      sent = res.body.data;
      // The thumbnail is made in the background: ready before the send, message.new carries it; after, a
      // message.attachments_updated does. Either way each reader learns it from events, without refetching.
      const thumbed = (m: Msg) =>
        m.id === sent!.id &&
        (m.type === 'message.new' || m.type === 'message.attachments_updated') &&
        m.attachments?.some((a: Msg) => a.filename === 'chart.png' && a.thumbnail_url);
      await Promise.all([alice!, bob!].map((u, i) => u.ws.waitFor(thumbed, `the thumbnail for ${u.id}`, marks[i])));
    });
    // The frame carries the message as the response showed it: attachments with links that work for the reader.
    const frame = received['ev-bob']!.find((m) => m.type === 'message.new' && m.id === sent!.id)!;
    expect(frame.attachments.map((a: Msg) => [a.filename, a.content_type, a.size, a.width, a.height])).toEqual(
      sent!.attachments!.map((a) => [a.filename, a.content_type, a.size, a.width, a.height]),
    );
    expect(frame).toMatchObject({ seq: expect.any(Number), object_id: expect.any(String), object_type: 'order' });
    for (const a of frame.attachments) expect((await download(a.url)).status).toBe(200);
    // The thumbnail link the events brought works for the reader.
    const late = received['ev-bob']!.find((m) => m.type === 'message.attachments_updated' && m.id === sent!.id);
    console.log(`thumbnail ${late ? 'announced by message.attachments_updated' : 'ready before the send (in message.new)'}`);
    const thumb = [...received['ev-bob']!]
      .reverse()
      .flatMap((m) => (m.id === sent!.id ? (m.attachments ?? []) : []))
      .find((a: Msg) => a.filename === 'chart.png' && a.thumbnail_url).thumbnail_url;
    expect((await download(thumb)).status).toBe(200);
  });

  it('edit', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    const m = (await alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'draft' })).body.data;
    await verify([alice!, bob!], () => alice!.api.put(`/api/v1/dialogs/${dialog}/messages/${m.id}`, { content: 'final' }));
  });

  it('delete (the last message, and an earlier one)', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    const a = (await alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'one' })).body.data;
    const b = (await alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'two' })).body.data;
    await verify([alice!, bob!], () => alice!.api.delete(`/api/v1/dialogs/${dialog}/messages/${b.id}`));
    await verify([alice!, bob!], () => alice!.api.delete(`/api/v1/dialogs/${dialog}/messages/${a.id}`));
  });

  it('read (to the latest message, and to an earlier one)', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    const first = (await alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'unread 1' })).body.data;
    await alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'unread 2' });
    await verify([bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/read`, { last_read_message_id: first.id }));
    const latest = await last(bob!);
    await verify([bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/read`, { last_read_message_id: latest }));
  });

  it('archive, and the unarchive a new message brings', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    await verify([bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/archive`));
    await verify([alice!, bob!], () => alice!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'wake up' }));
    await verify([bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/archive`));
    await verify([bob!], () => bob!.api.post(`/api/v1/dialogs/${dialog}/unarchive`));
  });

  it('pin and unpin', async () => {
    const bob = users['ev-bob']!;
    await verify([bob], () => bob.api.post(`/api/v1/dialogs/${dialog}/pin`));
    await verify([bob], () => bob.api.post(`/api/v1/dialogs/${dialog}/unpin`));
  });

  it('notifications', async () => {
    const bob = users['ev-bob']!;
    await verify([bob], () => bob.api.post(`/api/v1/dialogs/${dialog}/notifications`, { enabled: false }));
    await verify([bob], () => bob.api.post(`/api/v1/dialogs/${dialog}/notifications`, { enabled: true }));
  });

  it('join and leave', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob, 'ev-carol': carol } = users;
    const mark = carol!.ws.received.length;
    const carolBefore = await stateOf(carol!);
    await verify([alice!, bob!], () => carol!.api.post(`/api/v1/dialogs/${dialog}/join`, { display_name: 'Carol', company: 'Evt' }));
    // The joiner learns of a dialog it does not hold yet: the reducer asks the client to fetch it.
    const own = await carol!.ws.waitFor((m) => m.type === 'participant.joined' && m.dialog_id === dialog, 'own join', mark);
    expect(needsFetch(carolBefore, DialogEvent.parse(own))).toBe(true);
    await carol!.api.post(`/api/v1/dialogs/${dialog}/messages`, { content: 'hello from carol' });
    await verify([alice!, bob!, carol!], () => carol!.api.post(`/api/v1/dialogs/${dialog}/leave`));
  });

  it('management add and remove', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob, 'ev-carol': carol } = users;
    await verify([alice!, bob!], () => server.admin.post(`/api/v1/management/dialogs/${dialog}/participants`, person('ev-carol')));
    await verify([alice!, bob!, carol!], () => server.admin.delete(`/api/v1/management/dialogs/${dialog}/participants/ev-carol`));
  });

  it('management delete of the dialog', async () => {
    const { 'ev-alice': alice, 'ev-bob': bob } = users;
    const d = (await createDialog(server, { participants: [person('ev-alice'), person('ev-bob')] })).id;
    await verify([alice!, bob!], () => server.admin.delete(`/api/v1/management/dialogs/${d}`));
  });
});
