/**
 * Management API input validation: every bad field answers 400 INVALID_INPUT naming it (never a 500), and values
 * right at MTChat's byte limits are accepted. Split from management.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

const M = '/api/v1/management';

let server: TestServer;
let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function createBody(over: Record<string, unknown> = {}) {
  return { object_id: uniq('obj'), object_type: 'order', title: 'T', participants: [person(uniq('u'))], access_scopes: [], ...over };
}

describe('validation: 400 INVALID_INPUT, never a 500', () => {
  const e = (n: number) => 'é'.repeat(n); // 2 bytes each: proves limits count bytes
  const p = (over: Record<string, unknown>) => ({ user_id: uniq('v'), display_name: 'V', ...over });

  it('accepts values right at the byte limits', async () => {
    const res = await server.admin.post(
      `${M}/dialogs`,
      createBody({
        object_id: 'o'.repeat(255),
        object_type: 't'.repeat(100),
        title: e(250),
        participants: [p({ user_id: 'u'.repeat(255), display_name: e(100), company: e(100), email: `${e(127)}`, phone: e(25) })],
      }),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.title).toBe(e(250));
  });

  const cases: [string, Record<string, unknown>][] = [
    ['title over 500 bytes (251 two-byte chars)', { title: e(251) }],
    ['display_name over 200 bytes', { participants: [p({ display_name: e(101) })] }],
    ['blank display_name', { participants: [p({ display_name: '   ' })] }],
    ['empty display_name', { participants: [p({ display_name: '' })] }],
    ['company over 200 bytes', { participants: [p({ company: e(101) })] }],
    ['email over 254 bytes', { participants: [p({ email: e(128) })] }],
    ['phone over 50 bytes', { participants: [p({ phone: e(26) })] }],
    ['object_id over 255 chars', { object_id: 'o'.repeat(256) }],
    ['empty object_id', { object_id: '' }],
    ['object_type over 100 chars', { object_type: 't'.repeat(101) }],
    ['object_url over 2048 chars', { object_url: `https://x.example/${'u'.repeat(2040)}` }],
    ['user_id over 255 chars', { participants: [p({ user_id: 'u'.repeat(256) })] }],
    ['empty user_id', { participants: [p({ user_id: '' })] }],
    ['duplicate participant user_id', { participants: [p({ user_id: 'dup' }), p({ user_id: 'dup' })] }],
    ['missing object_id', { object_id: undefined }],
    ['missing object_type', { object_type: undefined }],
    ['missing participants', { participants: undefined }],
    ['participant without user_id', { participants: [{ display_name: 'X' }] }],
    ['participant without display_name', { participants: [{ user_id: 'x' }] }],
    ['participants as bare ids', { participants: ['0190f2a4-0000-7000-8000-000000000001'] }],
    ['object_id a number', { object_id: 42 }],
    ['title a number', { title: 5 }],
    ['participants an object', { participants: {} }],
    ['access_scopes a string', { access_scopes: 'tenant' }],
    ['scope level a string', { access_scopes: [{ scope_level0: 'a' }] }],
    ['scope level with a null', { access_scopes: [{ scope_level0: [null] }] }],
  ];
  for (const [name, over] of cases) {
    it(`create: ${name}`, async () => {
      const body = JSON.parse(JSON.stringify(createBody(over)));
      const res = await server.admin.post(`${M}/dialogs`, body);
      expectError(res, 400, 'INVALID_INPUT');
    });
  }

  it('names the field and says "characters" as MTChat does for byte limits', async () => {
    const res = await server.admin.post(`${M}/dialogs`, createBody({ title: e(251) }));
    expect(res.body.error.message).toContain('title exceeds maximum length of 500 characters');
  });

  it('rejects a body that is not an object', async () => {
    for (const body of ['[]', 'null', '"text"', '42']) {
      expectError(await server.admin.request('POST', `${M}/dialogs`, body), 400, 'INVALID_INPUT');
    }
  });

  it('validates add participant, search and tokens the same way', async () => {
    const d = await createDialog(server);
    for (const body of [
      { user_id: 'x', display_name: e(101) },
      { user_id: 'u'.repeat(256), display_name: 'X' },
      { user_id: 'x', display_name: 'X', email: e(128) },
      { user_id: 'x', display_name: 'X', phone: e(26) },
      { user_id: 'x', display_name: 'X', company: e(101) },
      { user_id: 7, display_name: 'X' },
    ]) {
      expectError(await server.admin.post(`${M}/dialogs/${d.id}/participants`, body), 400, 'INVALID_INPUT');
    }
    for (const body of [
      { object_type: 't' },
      { object_id: 'o' },
      { object_id: 'o'.repeat(256), object_type: 't' },
      { object_id: 'o', object_type: 't', access_scopes: {} },
    ]) {
      expectError(await server.admin.post(`${M}/dialogs/search`, body), 400, 'INVALID_INPUT');
    }
    expectError(await server.admin.delete(`${M}/dialogs/${d.id}/participants/${'u'.repeat(256)}`), 400, 'INVALID_INPUT');
  });
});
