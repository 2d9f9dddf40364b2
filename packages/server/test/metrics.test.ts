/**
 * /metrics: Prometheus text behind the admin token; the counters move when things happen (a send, a delivery
 * over a WebSocket); and every metric served is documented in docs/metrics.md.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, expectError, person } from './support/fixtures.js';
import { redisEnv, tokenOf, WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WsClient | undefined;

beforeAll(async () => {
  server = await startServer(redisEnv());
});
afterAll(async () => {
  await ws?.close();
  await server?.close();
});

async function scrape(): Promise<string> {
  const res = await server.admin.get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text;
}

/** The value of one sample (`name{labels} value`), or 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  it('needs the admin token', async () => {
    expectError(await server.anon().get('/metrics'), 401, 'UNAUTHORIZED');
    expectError(await (await server.user('mx-nobody')).get('/metrics'), 403, 'FORBIDDEN');
  });

  it('counts requests, appended and delivered events, and open connections', async () => {
    const d = await createDialog(server, { participants: [person('mx-alice'), person('mx-bob')] });
    const alice = await server.user('mx-alice');
    ws = await WsClient.connect(server.url, { token: tokenOf(await server.user('mx-bob')) });
    const before = await scrape();
    const res = await alice.post(`/api/v1/dialogs/${d.id}/messages`, { content: 'counted' });
    expect(res.status).toBe(200);
    await ws.waitFor((m) => m.id === res.body.data.id, 'the message');
    const after = await scrape();
    const route = { method: 'POST', route: '/api/v1/dialogs/:dialog_id/messages', status: '200' };
    expect(value(after, 'parley_http_requests_total', route) - value(before, 'parley_http_requests_total', route)).toBe(1);
    expect(value(after, 'parley_http_request_duration_seconds_count', { method: 'POST', route: route.route })).toBeGreaterThanOrEqual(1);
    const appended = (t: string) => value(t, 'parley_events_appended_total', { type: 'message.new' });
    expect(appended(after) - appended(before)).toBe(1);
    const live = (t: string) => value(t, 'parley_realtime_events_delivered_total', { path: 'live' });
    expect(live(after) - live(before)).toBeGreaterThanOrEqual(1);
    expect(value(after, 'parley_realtime_connections', { transport: 'ws' })).toBe(1);
    expect(value(after, 'parley_event_log_position', { of: 'log' })).toBeGreaterThan(0);
  });

  it('serves only documented metrics', async () => {
    const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    const names = [...(await scrape()).matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    const undocumented = names.filter((n) => !/^parley_(process|nodejs)_/.test(n) && !doc.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
  });
});
