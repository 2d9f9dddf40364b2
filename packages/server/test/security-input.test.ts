/**
 * Input that used to reach the database and come back as a 500 (item 7 of issue #16): NUL in X-Scope-Config,
 * a repeated `user_id` carrying a NUL in legacy mode, lone surrogates in JSON strings, JSON nested 20,000 deep.
 * Each must be a clear 4xx that loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { send } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';
import { Api } from './support/api.js';

const b64 = (json: string) => Buffer.from(json).toString('base64');

describe('hostile text input', () => {
  let server: TestServer;
  let alice: Api;
  let dialog: { id: string; object_id: string; object_type: string };

  beforeAll(async () => {
    server = await startServer();
    dialog = await createDialog(server, { participants: [person('alice')], access_scopes: [{ scope_level0: ['acme'] }] });
    alice = await server.user('alice');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a NUL or a lone surrogate inside X-Scope-Config on every route that reads it', async () => {
    const bob = await server.user('bob');
    for (const header of [
      b64('{"scope_level0":["a\\u0000b"]}'),
      b64('{"scope_level0":["\\ud800"]}'),
      b64('{"scope_level1":["x\\u0000"]}'),
    ]) {
      const api = bob.with({ 'x-scope-config': header });
      for (const res of [
        await api.get('/api/v1/dialogs?type=available'),
        await api.get(`/api/v1/dialogs/${dialog.id}`),
        await api.post(`/api/v1/dialogs/${dialog.id}/join`, { display_name: 'Bob', company: 'B' }),
        await api.get(`/api/v1/dialogs/by-object/${dialog.object_type}/${dialog.object_id}`),
        await api.get(`/api/v1/dialogs/by-object/${dialog.object_type}/${dialog.object_id}/list`),
      ]) {
        expectError(res, 400, 'BAD_REQUEST');
        expect(res.body.error.message).toMatch(/^Invalid X-Scope-Config: /);
      }
    }
    // Nothing was lost or joined: a good header still works.
    const ok = await bob.withScope({ scope_level0: ['acme'] }).get('/api/v1/dialogs?type=available');
    expect(ok.status).toBe(200);
    expect(ok.body.data.map((d: { id: string }) => d.id)).toContain(dialog.id);
  });

  it('refuses lone surrogates in an edit, a client_message_id and management meta', async () => {
    const m = await send(alice, dialog.id, 'original');
    const raw = (api: Api, method: string, path: string, body: string) => api.request(method, path, body);
    expectError(await raw(alice, 'PUT', `/api/v1/dialogs/${dialog.id}/messages/${m.id}`, '{"content":"x\\ud800y"}'), 400, 'INVALID_INPUT');
    expectError(await raw(alice, 'PUT', `/api/v1/dialogs/${dialog.id}/messages/${m.id}`, '{"content":"\\udc00"}'), 400, 'INVALID_INPUT');
    expectError(
      await raw(alice, 'POST', `/api/v1/dialogs/${dialog.id}/messages`, '{"content":"hi","client_message_id":"\\ud83d"}'),
      400,
      'INVALID_INPUT',
    );
    const meta = await raw(
      server.admin,
      'POST',
      '/api/v1/management/dialogs',
      '{"object_id":"o-sur","object_type":"order","title":"t","participants":[],"access_scopes":[],"meta":{"k":"\\ud800"}}',
    );
    expectError(meta, 400, 'INVALID_INPUT');
    expect(meta.body.error.message).toBe('Unpaired UTF-16 surrogates are not allowed');
    // A well-formed pair (an emoji) is fine, and the original message is intact.
    const edited = await raw(alice, 'PUT', `/api/v1/dialogs/${dialog.id}/messages/${m.id}`, '{"content":"ok \\ud83d\\ude00"}');
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.data.content).toBe('ok \u{1F600}');
  });

  it('refuses JSON nested 20,000 deep before authentication, without a 500', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const anon = await server.anon().request('POST', `/api/v1/dialogs/${dialog.id}/messages`, `{"content":"x","attachments":${deep}}`);
    expectError(anon, 400, 'INVALID_INPUT');
    expect(anon.body.error.message).toBe('JSON nested deeper than 64 levels');
    expectError(await server.admin.request('POST', '/api/v1/management/dialogs', `{"meta":${deep}}`), 400, 'INVALID_INPUT');
    // Brackets inside strings do not count; moderate nesting in meta is accepted.
    const fine = await server.admin.post('/api/v1/management/dialogs', {
      object_id: 'o-deep',
      object_type: 'order',
      title: '[[[[',
      participants: [],
      access_scopes: [],
      meta: { a: { b: { c: ['[{'.repeat(100)] } } },
    });
    expect(fine.status, fine.text).toBe(200);
  });
});

describe('legacy identity', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ JWT_AUTH_ENABLED: 'false' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a repeated user_id carrying a NUL', async () => {
    const anon = new Api(server.url, {});
    for (const q of ['user_id=%00&user_id=alice', 'user_id=alice&user_id=%00', 'user_id=a%00b&sender_id=alice']) {
      expectError(await anon.get(`/api/v1/dialogs?${q}`), 400, 'INVALID_INPUT');
    }
    expect((await anon.get('/api/v1/dialogs?user_id=alice')).status).toBe(200);
  });
});
