/**
 * What item 15 of issue #16 found exposed: host JWTs could not carry a scope (tenant isolation rested on the
 * client's X-Scope-Config), potential participants saw `meta`, read positions and flags, `object_url` echoed a
 * `javascript:` URL, and message HTML could carry any `class` to restyle the host page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createDialog, expectError, person } from './support/fixtures.js';
import { send } from './support/chat.js';
import { startServer, type TestServer } from './support/server.js';
import { Api } from './support/api.js';

const HOST_SECRET = 'exposure-host-secret-0123456789';
const hostJwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(HOST_SECRET));

describe('host JWT scope claim', () => {
  let server: TestServer;
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    server = await startServer({ JWT_SECRET: HOST_SECRET });
    acme = (await createDialog(server, { participants: [person('owner')], access_scopes: [{ scope_level0: ['acme'] }] })).id;
    globex = (await createDialog(server, { participants: [person('owner')], access_scopes: [{ scope_level0: ['globex'] }] })).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const available = async (api: Api) => (await api.get('/api/v1/dialogs?type=available')).body.data.map((d: { id: string }) => d.id);

  it("takes the scope from the token's claim and ignores a header that claims another tenant", async () => {
    const token = await hostJwt({ sub: 'eve', parley_scope: { scope_level0: ['acme'] } });
    const eve = new Api(server.url, { authorization: `Bearer ${token}` }).withScope({ scope_level0: ['globex'] });
    const ids = await available(eve);
    expect(ids).toContain(acme);
    expect(ids).not.toContain(globex);
    // The other tenant's dialog does not exist for this token, whatever the header says.
    expectError(await eve.post(`/api/v1/dialogs/${globex}/join`, { display_name: 'Eve', company: 'E' }), 404, 'DIALOG_NOT_FOUND');
    // Without the claim, a host JWT still uses the header (MTChat's model).
    const plain = new Api(server.url, { authorization: `Bearer ${await hostJwt({ sub: 'eve' })}` }).withScope({ scope_level0: ['globex'] });
    expect(await available(plain)).toContain(globex);
  });

  it('refuses a token whose scope claim is malformed, and honours JWT_SCOPE_CLAIM', async () => {
    for (const bad of ['acme', { scope_level0: 'acme' }, { scope_level0: ['a\u0000'] }]) {
      const api = new Api(server.url, { authorization: `Bearer ${await hostJwt({ sub: 'eve', parley_scope: bad })}` });
      expectError(await api.get('/api/v1/dialogs'), 401, 'UNAUTHORIZED');
    }
    const named = await startServer({ JWT_SECRET: HOST_SECRET, JWT_SCOPE_CLAIM: 'tenant_scope' });
    try {
      const d = (await createDialog(named, { participants: [person('owner')], access_scopes: [{ scope_level0: ['initech'] }] })).id;
      const api = new Api(named.url, {
        authorization: `Bearer ${await hostJwt({ sub: 'eve', tenant_scope: { scope_level0: ['initech'] } })}`,
      });
      expect(await available(api)).toEqual([d]);
    } finally {
      await named.close();
    }
  });
});

describe('what outsiders and message HTML can do', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses an object_url that is not http(s) or a site path', async () => {
    const make = (object_url: string) =>
      server.admin.post('/api/v1/management/dialogs', {
        object_id: `o-${Math.random()}`,
        object_type: 'order',
        participants: [],
        access_scopes: [],
        object_url,
      });
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>1</script>',
      '//evil.example/x',
      '/\\evil.example',
      'vbscript:x',
    ]) {
      const res = await make(bad);
      expectError(res, 400, 'INVALID_INPUT');
      expect(res.body.error.message).toContain('object_url');
    }
    for (const good of ['https://shop.example/orders/1', 'http://intranet/x', '/orders/42']) expect((await make(good)).status).toBe(200);
  });

  it('shows a potential participant what joining needs, and no meta, read positions, flags or contacts', async () => {
    const d = await createDialog(server, {
      participants: [person('ann', { email: 'ann@example.com', phone: '+100' })],
      access_scopes: [{ scope_level0: ['acme'] }],
      meta: { internal_note: 'credit hold' },
    });
    const ann = await server.user('ann');
    const m = await send(ann, d.id, 'hello');
    await ann.post(`/api/v1/dialogs/${d.id}/read`, { last_read_message_id: m.id });
    await ann.post(`/api/v1/dialogs/${d.id}/pin`);
    const outsider = (await server.user('otto')).withScope({ scope_level0: ['acme'] });

    const single = (await outsider.get(`/api/v1/dialogs/${d.id}`)).body.data;
    expect(single).toMatchObject({ id: d.id, i_am_participant: false, can_join: true });
    expect('meta' in single).toBe(false);
    const listed = (await outsider.get('/api/v1/dialogs?type=available')).body.data.find((x: { id: string }) => x.id === d.id);
    expect(listed).toBeDefined();
    expect('meta' in listed).toBe(false);
    const byObject = (await outsider.get(`/api/v1/dialogs/by-object/${d.object_type}/${d.object_id}`)).body.data;
    expect('meta' in byObject).toBe(false);

    const [seen] = (await outsider.get(`/api/v1/dialogs/${d.id}/participants`)).body.data;
    expect(seen).toMatchObject({
      user_id: 'ann',
      display_name: 'ANN',
      email: null,
      phone: null,
      last_read_message_id: null,
      unread_count: 0,
      is_pinned: false,
      is_archived: false,
      notifications_enabled: false,
    });

    // Members still see everything.
    expect((await ann.get(`/api/v1/dialogs/${d.id}`)).body.data.meta).toEqual({ internal_note: 'credit hold' });
    const [self] = (await ann.get(`/api/v1/dialogs/${d.id}/participants`)).body.data;
    expect(self).toMatchObject({ email: 'ann@example.com', last_read_message_id: m.id, is_pinned: true, notifications_enabled: true });
  });

  it('keeps only allow-listed class names in message HTML', async () => {
    const d = await createDialog(server, { participants: [person('cal')] });
    const cal = await server.user('cal');
    const cases: Array<[string, string]> = [
      [
        '<span class="mention fixed inset-0 z-50" data-type="mention" data-id="u1">@u1</span>',
        '<span class="mention" data-type="mention" data-id="u1">@u1</span>',
      ],
      ['<span class="overlay">x</span>', '<span>x</span>'],
      [
        '<pre class="language-ts"><code class="language-ts hidden">a</code></pre>',
        '<pre class="language-ts"><code class="language-ts">a</code></pre>',
      ],
      ['<code class="modal-backdrop">b</code>', '<code>b</code>'],
    ];
    for (const [input, stored] of cases) expect((await send(cal, d.id, input)).content).toBe(stored);
  });
});
