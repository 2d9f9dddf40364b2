/**
 * The authorization matrix of the Chat API: every route of /api/v1/openapi.json (outside the Management API)
 * has a row, and every row is exercised for every role against a fresh dialog. Strangers and callers of other
 * tenants must get byte-identical answers for an existing dialog and for a random id: nothing is revealed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Res } from './support/api.js';
import { chatUser, randomUuid, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
const clients = {} as Record<'stranger' | 'otherTenant' | 'potential' | 'participant' | 'author', Api>;
const ids = { participant: unique('participant'), author: unique('author') };

beforeAll(async () => {
  server = await startServer();
  clients.stranger = await chatUser(server, unique('stranger'));
  clients.otherTenant = await chatUser(server, unique('other-tenant'));
  clients.potential = await chatUser(server, unique('potential'));
  clients.participant = await chatUser(server, ids.participant);
  clients.author = await chatUser(server, ids.author);
});
afterAll(async () => {
  await server?.close();
});

const ROLES = ['anonymous', 'stranger', 'otherTenant', 'potential', 'participant', 'author'] as const;
type Role = (typeof ROLES)[number];

/** What a role's request works on: a dialog of `tenant` with a message written by the author. */
interface Target {
  dialogId: string;
  objectId: string;
  messageId: string;
  /** Set for the ids-that-do-not-exist probe; otherwise the attachment row makes one (it costs an upload). */
  attachmentId?: string;
}

/** The author uploads a small file and sends it, as the web UI does: presign, PUT, send. */
async function attachmentOf(t: Target): Promise<string> {
  const bytes = Buffer.from('hello, file\n');
  const presigned = await clients.author.post('/api/v1/upload/presign', {
    dialog_id: t.dialogId,
    filename: 'note.txt',
    content_type: 'text/plain',
    size: bytes.length,
  });
  expect(presigned.status, presigned.text).toBe(200);
  const put = await fetch(presigned.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: bytes });
  expect(put.status).toBe(200);
  const attachment = { s3_key: presigned.body.data.s3_key, filename: 'note.txt', content_type: 'text/plain', size: bytes.length };
  const sent = await clients.author.post(`/api/v1/dialogs/${t.dialogId}/messages`, { content: 'attached', attachments: [attachment] });
  expect(sent.status, sent.text).toBe(200);
  return sent.body.data.attachments[0].id;
}

/** A status, or a status with the error code it must carry. */
type Outcome = number | [number, string];

interface Row {
  call: (api: Api, t: Target) => Promise<Res>;
  expect: Record<Role, Outcome>;
  /** For reads that answer 200 to everyone: whether the role gets to see the dialog. */
  sees?: { check: (res: Res, t: Target) => boolean; roles: Role[] };
}

const D = '/api/v1/dialogs';
const profile = { display_name: 'Joiner', company: 'Co' };
const NOT_FOUND: Outcome = [404, 'DIALOG_NOT_FOUND'];
const MSG_NOT_FOUND: Outcome = [404, 'MESSAGE_NOT_FOUND'];
const NOT_PARTICIPANT: Outcome = [403, 'NOT_PARTICIPANT'];
const JOIN_FIRST: Outcome = [403, 'FORBIDDEN'];
const UNAUTHORIZED: Outcome = [401, 'UNAUTHORIZED'];

const inList = (res: Res, t: Target) => (res.body?.data ?? []).some((d: { id: string }) => d.id === t.dialogId);

const flagRow = (verb: string, body?: unknown): Row => ({
  call: (api, t) => api.post(`${D}/${t.dialogId}/${verb}`, body),
  expect: {
    anonymous: UNAUTHORIZED,
    stranger: NOT_PARTICIPANT,
    otherTenant: NOT_PARTICIPANT,
    potential: NOT_PARTICIPANT,
    participant: 200,
    author: 200,
  },
});

const MATRIX: Record<string, Row> = {
  'POST /api/v1/upload/presign': {
    call: (api, t) => api.post('/api/v1/upload/presign', { dialog_id: t.dialogId, filename: 'a.txt', content_type: 'text/plain', size: 5 }),
    expect: { anonymous: UNAUTHORIZED, stranger: NOT_FOUND, otherTenant: NOT_FOUND, potential: JOIN_FIRST, participant: 200, author: 200 },
  },
  'GET /api/v1/attachments/{id}/url': {
    call: async (api, t) => api.get(`/api/v1/attachments/${t.attachmentId ?? (await attachmentOf(t))}/url`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: [404, 'ATTACHMENT_NOT_FOUND'],
      otherTenant: [404, 'ATTACHMENT_NOT_FOUND'],
      potential: [404, 'ATTACHMENT_NOT_FOUND'],
      participant: 200,
      author: 200,
    },
  },
  'GET /api/v1/messages/search': {
    // Search reaches only the dialogs the caller takes part in: everyone else gets an empty page, never an error.
    call: (api, t) => api.get(`/api/v1/messages/search?q=author&dialog_id=${t.dialogId}`),
    expect: { anonymous: UNAUTHORIZED, stranger: 200, otherTenant: 200, potential: 200, participant: 200, author: 200 },
    sees: {
      check: (res, t) => (res.body?.data?.hits ?? []).some((h: { message: { id: string } }) => h.message.id === t.messageId),
      roles: ['participant', 'author'],
    },
  },
  'GET /api/v1/dialogs': {
    call: (api) => api.get(D),
    expect: { anonymous: UNAUTHORIZED, stranger: 200, otherTenant: 200, potential: 200, participant: 200, author: 200 },
    sees: { check: inList, roles: ['participant', 'author'] },
  },
  'GET /api/v1/dialogs/by-object/{object_type}/{object_id}': {
    call: (api, t) => api.get(`${D}/by-object/order/${t.objectId}`),
    expect: { anonymous: UNAUTHORIZED, stranger: 200, otherTenant: 200, potential: 200, participant: 200, author: 200 },
    sees: { check: (res, t) => res.body?.data?.id === t.dialogId, roles: ['potential', 'participant', 'author'] },
  },
  'GET /api/v1/dialogs/by-object/{object_type}/{object_id}/list': {
    call: (api, t) => api.get(`${D}/by-object/order/${t.objectId}/list`),
    expect: { anonymous: UNAUTHORIZED, stranger: 200, otherTenant: 200, potential: 200, participant: 200, author: 200 },
    sees: { check: inList, roles: ['potential', 'participant', 'author'] },
  },
  'GET /api/v1/dialogs/{id}': {
    call: (api, t) => api.get(`${D}/${t.dialogId}`),
    expect: { anonymous: UNAUTHORIZED, stranger: NOT_FOUND, otherTenant: NOT_FOUND, potential: 200, participant: 200, author: 200 },
  },
  'POST /api/v1/dialogs/{id}/join': {
    call: (api, t) => api.post(`${D}/${t.dialogId}/join`, profile),
    // The stranger sends no scope header, which join requires before anything else.
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: [400, 'BAD_REQUEST'],
      otherTenant: NOT_FOUND,
      potential: 200,
      participant: [400, 'BAD_REQUEST'],
      author: [400, 'BAD_REQUEST'],
    },
  },
  'POST /api/v1/dialogs/{id}/leave': {
    call: (api, t) => api.post(`${D}/${t.dialogId}/leave`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: NOT_FOUND,
      otherTenant: NOT_FOUND,
      potential: NOT_PARTICIPANT,
      participant: 200,
      author: 200,
    },
  },
  'POST /api/v1/dialogs/{id}/agent-runs/cancel': {
    call: (api, t) => api.post(`${D}/${t.dialogId}/agent-runs/cancel`, {}),
    expect: { anonymous: UNAUTHORIZED, stranger: NOT_FOUND, otherTenant: NOT_FOUND, potential: JOIN_FIRST, participant: 200, author: 200 },
  },
  'POST /api/v1/dialogs/{id}/archive': flagRow('archive'),
  'POST /api/v1/dialogs/{id}/unarchive': flagRow('unarchive'),
  'POST /api/v1/dialogs/{id}/pin': flagRow('pin'),
  'POST /api/v1/dialogs/{id}/unpin': flagRow('unpin'),
  'POST /api/v1/dialogs/{id}/notifications': flagRow('notifications', { enabled: false }),
  'POST /api/v1/dialogs/{id}/read': {
    call: (api, t) => api.post(`${D}/${t.dialogId}/read`, { last_read_message_id: t.messageId }),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: [404, 'NOT_FOUND'],
      otherTenant: [404, 'NOT_FOUND'],
      potential: JOIN_FIRST,
      participant: 200,
      author: 200,
    },
  },
  'GET /api/v1/dialogs/{id}/participants': {
    call: (api, t) => api.get(`${D}/${t.dialogId}/participants`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: [403, 'FORBIDDEN'],
      otherTenant: [403, 'FORBIDDEN'],
      potential: 200,
      participant: 200,
      author: 200,
    },
  },
  'GET /api/v1/dialogs/{dialog_id}/messages': {
    call: (api, t) => api.get(`${D}/${t.dialogId}/messages`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: JOIN_FIRST,
      otherTenant: JOIN_FIRST,
      potential: JOIN_FIRST,
      participant: 200,
      author: 200,
    },
  },
  'POST /api/v1/dialogs/{dialog_id}/messages': {
    call: (api, t) => api.post(`${D}/${t.dialogId}/messages`, { content: 'hello' }),
    expect: { anonymous: UNAUTHORIZED, stranger: NOT_FOUND, otherTenant: NOT_FOUND, potential: JOIN_FIRST, participant: 200, author: 200 },
  },
  'GET /api/v1/dialogs/{dialog_id}/messages/{id}': {
    call: (api, t) => api.get(`${D}/${t.dialogId}/messages/${t.messageId}`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: MSG_NOT_FOUND,
      otherTenant: MSG_NOT_FOUND,
      potential: JOIN_FIRST,
      participant: 200,
      author: 200,
    },
  },
  'PUT /api/v1/dialogs/{dialog_id}/messages/{id}': {
    call: (api, t) => api.put(`${D}/${t.dialogId}/messages/${t.messageId}`, { content: 'edited' }),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: MSG_NOT_FOUND,
      otherTenant: MSG_NOT_FOUND,
      potential: MSG_NOT_FOUND,
      participant: [403, 'NOT_MESSAGE_AUTHOR'],
      author: 200,
    },
  },
  'DELETE /api/v1/dialogs/{dialog_id}/messages/{id}': {
    call: (api, t) => api.delete(`${D}/${t.dialogId}/messages/${t.messageId}`),
    expect: {
      anonymous: UNAUTHORIZED,
      stranger: MSG_NOT_FOUND,
      otherTenant: MSG_NOT_FOUND,
      potential: MSG_NOT_FOUND,
      participant: [403, 'NOT_MESSAGE_AUTHOR'],
      author: 204,
    },
  },
};

/** Routes that are not Chat API REST endpoints. */
const OUTSIDE_CHAT_API = (route: string) =>
  route.includes(' /api/v1/management') || route === 'GET /api/v1/openapi.json' || route === 'GET /api/v1/ws';

/** A fresh dialog per cell, so that mutations (leave, delete, join) never affect another cell. */
async function freshTarget(): Promise<Target & { tenant: string }> {
  const tenant = unique('tenant');
  const d = await createDialog(server, {
    participants: [person(ids.author), person(ids.participant)],
    access_scopes: [{ scope_level0: [tenant] }],
  });
  const msg = await send(clients.author, d.id, 'written by the author');
  return { tenant, dialogId: d.id, objectId: d.object_id, messageId: msg.id };
}

function clientFor(role: Role, tenant: string): Api {
  switch (role) {
    case 'anonymous':
      return server.anon();
    case 'stranger':
      return clients.stranger;
    case 'otherTenant':
      return clients.otherTenant.withScope({ scope_level0: [`${tenant}-elsewhere`] });
    default:
      return clients[role].withScope({ scope_level0: [tenant] });
  }
}

function expectOutcome(res: Res, outcome: Outcome, label: string) {
  const [status, code] = Array.isArray(outcome) ? outcome : [outcome, undefined];
  expect(res.status, `${label}: ${res.text}`).toBe(status);
  if (code) expect(res.body?.error?.code, label).toBe(code);
  if (status >= 400) expect(Object.keys(res.body)).toEqual(['error']);
}

describe('authorization matrix', () => {
  it('has a row for every Chat API route in the OpenAPI document', async () => {
    const doc = (await server.anon().get('/api/v1/openapi.json')).body;
    const routes: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    const chatRoutes = routes.filter((r) => !OUTSIDE_CHAT_API(r)).sort();
    expect(chatRoutes.length).toBeGreaterThan(0);
    expect(Object.keys(MATRIX).sort()).toEqual(chatRoutes);
  });

  for (const [route, row] of Object.entries(MATRIX)) {
    for (const role of ROLES) {
      it(`${route} as ${role}`, async () => {
        const target = await freshTarget();
        const api = clientFor(role, target.tenant);
        const res = await row.call(api, target);
        expectOutcome(res, row.expect[role], `${route} as ${role}`);
        if (row.sees) expect(row.sees.check(res, target), `${route}: does ${role} see the dialog?`).toBe(row.sees.roles.includes(role));
        if (role === 'anonymous' || role === 'stranger' || role === 'otherTenant') {
          // The same request about ids that do not exist must look exactly the same.
          const missing = await row.call(api, {
            dialogId: randomUuid(),
            objectId: unique('no-object'),
            messageId: randomUuid(),
            attachmentId: randomUuid(),
          });
          expect(missing.status, `${route} as ${role}, missing ids`).toBe(res.status);
          expect(missing.text, `${route} as ${role}, missing ids`).toBe(res.text);
        }
      });
    }
  }

  it('a potential participant of one dialog learns nothing about messages of it', async () => {
    const target = await freshTarget();
    const api = clientFor('potential', target.tenant);
    const real = await api.get(`${D}/${target.dialogId}/messages/${target.messageId}`);
    const fake = await api.get(`${D}/${target.dialogId}/messages/${randomUuid()}`);
    expect(real.text).toBe(fake.text);
    const realEdit = await api.put(`${D}/${target.dialogId}/messages/${target.messageId}`, { content: 'x' });
    const fakeEdit = await api.put(`${D}/${target.dialogId}/messages/${randomUuid()}`, { content: 'x' });
    expect(realEdit.text).toBe(fakeEdit.text);
  });
});
