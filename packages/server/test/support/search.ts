/** Helpers for the message search tests: words no other test uses, and search calls over HTTP. */
import { expect } from 'vitest';
import type { Api } from './api.js';

/** A made-up lower-case word (letters only, so every text search configuration keeps it whole). */
export function word(): string {
  let w = 'zq';
  for (let i = 0; i < 9; i++) w += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return w;
}

export type Params = Record<string, string | number | undefined>;

export function searchPath(params: Params, base = '/api/v1/messages/search'): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, String(v));
  return `${base}?${qs.toString()}`;
}

/** One page of hits (the request must succeed). */
export async function search(api: Api, params: Params, base?: string): Promise<{ hits: any[]; next_cursor: string | null }> {
  const res = await api.get(searchPath(params, base));
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The message ids a search finds (first page, up to 100). */
export async function found(api: Api, q: string, params: Params = {}, base?: string): Promise<string[]> {
  return (await search(api, { q, limit: 100, ...params }, base)).hits.map((h) => h.message.id);
}

/** Every hit, page by page, following next_cursor. */
export async function allPages(api: Api, params: Params, base?: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await search(api, { ...params, cursor }, base);
    out.push(...page.hits);
    if (page.next_cursor === null) return out;
    cursor = page.next_cursor;
  }
  throw new Error('paging did not end');
}
