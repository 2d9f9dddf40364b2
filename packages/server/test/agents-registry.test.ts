/**
 * The agent registry on the Management API: CRUD for the three kinds, write-only secrets, agents as dialog
 * participants (`agent:<id>`, display name optional, unknown agent 400), and no token for an `agent:*` user.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { unique } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';

const M = '/api/v1/management';
const HOST_SECRET = 'host-secret-for-agent-registry-tests-0123456789';
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ JWT_SECRET: HOST_SECRET });
});
afterAll(async () => {
  await server?.close();
});

describe('agents CRUD', () => {
  it('creates, lists, reads, changes and deletes an http agent without ever showing its secret', async () => {
    const id = unique('bot');
    const created = await server.admin.post(`${M}/agents`, {
      id,
      display_name: 'Bot',
      kind: 'http',
      url: 'http://127.0.0.1:9/agent',
      secret: 'top-secret-value',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({
      id,
      user_id: `agent:${id}`,
      display_name: 'Bot',
      kind: 'http',
      trigger: 'every_message',
      url: 'http://127.0.0.1:9/agent',
      has_secret: true,
    });
    for (const res of [created, await server.admin.get(`${M}/agents`), await server.admin.get(`${M}/agents/${id}`)]) {
      expect(res.text).not.toContain('top-secret-value');
      expect(res.text).not.toContain('"secret"');
    }
    expect((await server.admin.get(`${M}/agents`)).body.data.map((a: { id: string }) => a.id)).toContain(id);

    const patched = await server.admin.request('PATCH', `${M}/agents/${id}`, {
      display_name: 'Bot 2',
      trigger: 'mention',
      secret: 'another-secret',
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data).toMatchObject({ display_name: 'Bot 2', trigger: 'mention', has_secret: true });
    expect(patched.text).not.toContain('another-secret');

    expectError(await server.admin.request('PATCH', `${M}/agents/${id}`, { model: 'gpt' }), 400, 'INVALID_INPUT');
    expect((await server.admin.delete(`${M}/agents/${id}`)).status).toBe(204);
    expectError(await server.admin.get(`${M}/agents/${id}`), 404, 'NOT_FOUND');
    expectError(await server.admin.delete(`${M}/agents/${id}`), 404, 'NOT_FOUND');
  });

  it('keeps an openai agent api_key write-only, and can remove it', async () => {
    const id = unique('gpt');
    const body = {
      id,
      display_name: 'GPT',
      kind: 'openai',
      base_url: 'http://127.0.0.1:11434/v1',
      model: 'llama3',
      api_key: 'sk-never-shown',
      instructions: 'Be brief.',
    };
    const created = await server.admin.post(`${M}/agents`, body);
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({
      kind: 'openai',
      base_url: body.base_url,
      model: 'llama3',
      instructions: 'Be brief.',
      has_secret: true,
    });
    expect(created.text).not.toContain('sk-never-shown');
    expect(created.text).not.toContain('api_key');
    const patched = await server.admin.request('PATCH', `${M}/agents/${id}`, { api_key: null, instructions: null });
    expect(patched.body.data.has_secret).toBe(false);
    expect(patched.body.data.instructions).toBeUndefined();
  });

  it('validates bodies: kind, url scheme, id characters, duplicates, unknown fields', async () => {
    const id = unique('demo');
    expect((await server.admin.post(`${M}/agents`, { id, display_name: 'Demo', kind: 'demo' })).status).toBe(201);
    expectError(await server.admin.post(`${M}/agents`, { id, display_name: 'Demo', kind: 'demo' }), 409, 'CONFLICT');
    expectError(await server.admin.post(`${M}/agents`, { id: unique('x'), display_name: 'X', kind: 'robot' }), 400, 'INVALID_INPUT');
    expectError(
      await server.admin.post(`${M}/agents`, { id: unique('x'), display_name: 'X', kind: 'http', url: 'ftp://x/', secret: 's' }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await server.admin.post(`${M}/agents`, { id: unique('x'), display_name: 'X', kind: 'http', url: 'http://x/' }),
      400,
      'INVALID_INPUT',
    );
    expectError(await server.admin.post(`${M}/agents`, { id: 'has space', display_name: 'X', kind: 'demo' }), 400, 'INVALID_INPUT');
    expectError(
      await server.admin.post(`${M}/agents`, { id: unique('x'), display_name: 'X', kind: 'demo', trigger: 'always' }),
      400,
      'INVALID_INPUT',
    );
    expectError(await server.admin.request('PATCH', `${M}/agents/${id}`, { colour: 'red' }), 400, 'INVALID_INPUT');
  });

  it('requires the admin token', async () => {
    expect((await server.anon().get(`${M}/agents`)).status).toBe(401);
    const user = await server.user(unique('u'));
    expect((await user.get(`${M}/agents`)).status).toBe(403);
  });
});

describe('agents as participants', () => {
  it('adds an agent on create and by the participant call, with its own display name unless one is given', async () => {
    const id = unique('helper');
    await server.admin.post(`${M}/agents`, { id, display_name: 'Helper', kind: 'demo' });
    const alice = unique('alice');
    const dialog = await createDialog(server, { participants: [person(alice), { user_id: `agent:${id}` } as never] });
    let details = (await server.admin.get(`${M}/dialogs/${dialog.id}`)).body.data;
    expect(details.participants.find((p: { user_id: string }) => p.user_id === `agent:${id}`)).toMatchObject({ display_name: 'Helper' });

    const other = await createDialog(server, { participants: [person(alice)] });
    expect(
      (await server.admin.post(`${M}/dialogs/${other.id}/participants`, { user_id: `agent:${id}`, display_name: 'Custom' })).status,
    ).toBe(201);
    details = (await server.admin.get(`${M}/dialogs/${other.id}`)).body.data;
    expect(details.participants.find((p: { user_id: string }) => p.user_id === `agent:${id}`)).toMatchObject({ display_name: 'Custom' });
  });

  it('refuses an unknown agent (400) and still requires display_name for people', async () => {
    const alice = unique('alice');
    const res = await server.admin.post(`${M}/dialogs`, {
      object_id: unique('o'),
      object_type: 'order',
      participants: [person(alice), { user_id: 'agent:nobody' }],
    });
    expectError(res, 400, 'INVALID_INPUT');
    const dialog = await createDialog(server, { participants: [person(alice)] });
    expectError(await server.admin.post(`${M}/dialogs/${dialog.id}/participants`, { user_id: 'agent:nobody' }), 400, 'INVALID_INPUT');
    expectError(await server.admin.post(`${M}/dialogs/${dialog.id}/participants`, { user_id: unique('bob') }), 400, 'INVALID_INPUT');
    // Nothing was half-created.
    expect((await server.admin.get(`${M}/dialogs/${dialog.id}`)).body.data.participants).toHaveLength(1);
  });
});

describe('no token for an agent user', () => {
  it('refuses to mint one', async () => {
    expectError(await server.admin.post(`${M}/tokens`, { user_id: 'agent:bot' }), 400, 'BAD_REQUEST');
  });

  it('refuses a host JWT naming one, on the Chat API and on the realtime handshake', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent:bot')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HOST_SECRET));
    const res = await server
      .anon()
      .with({ authorization: `Bearer ${jwt}` })
      .get('/api/v1/dialogs');
    expectError(res, 400, 'BAD_REQUEST');
    const sse = await fetch(`${server.url}/api/v1/events?token=${jwt}`);
    expect(sse.status).toBe(400);
    await sse.body?.cancel();
    // The same kind of JWT for a person works.
    const ok = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('person')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HOST_SECRET));
    expect(
      (
        await server
          .anon()
          .with({ authorization: `Bearer ${ok}` })
          .get('/api/v1/dialogs')
      ).status,
    ).toBe(200);
  });
});
