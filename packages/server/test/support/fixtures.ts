/** Test fixtures built through the public Management API (never by writing to the database). */
import { expect } from 'vitest';
import type { TestServer } from './server.js';

export interface DialogSpec {
  object_id?: string;
  object_type?: string;
  title?: string;
  participants?: { user_id: string; display_name: string; company?: string; email?: string; phone?: string }[];
  access_scopes?: { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[] }[];
  meta?: unknown;
}

let counter = 0;

export async function createDialog(
  server: Pick<TestServer, 'admin'>,
  spec: DialogSpec = {},
): Promise<{ id: string; object_id: string; object_type: string }> {
  counter += 1;
  const res = await server.admin.post('/api/v1/management/dialogs', {
    object_id: spec.object_id ?? `obj-${counter}-${Math.random().toString(36).slice(2, 7)}`,
    object_type: spec.object_type ?? 'order',
    title: spec.title ?? `Dialog ${counter}`,
    participants: spec.participants ?? [],
    access_scopes: spec.access_scopes ?? [],
    ...(spec.meta === undefined ? {} : { meta: spec.meta }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export const person = (user_id: string, extra: Record<string, string> = {}) => ({ user_id, display_name: user_id.toUpperCase(), ...extra });

export function expectError(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code, JSON.stringify(res.body)).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
}
