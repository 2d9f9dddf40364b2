/**
 * Issue 16, item 1: memory exhaustion through resume. A participant posts large messages, then opens many
 * WebSockets with last_event_id=0 that never read. Each resume used to serialize its own copy of a whole batch
 * into its queue, bounded only in frames (the attack took a server from 573 MB to 2.1 GB). Now every queue is
 * bounded in bytes (REALTIME_QUEUE_BYTES), a resume pauses at half of it until the client reads, and resumes
 * share one serialized copy of each event. Memory is asserted as a generous bound (this test alone measures it).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { redisEnv, tokenOf } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let server: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startServer(redisEnv());
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server?.close();
});

/** A WebSocket handshake on a raw socket that then never reads a byte (so nothing piles up on the client side). */
function silentSocket(base: string, token: string, lastEventId: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/v1/ws?token=${encodeURIComponent(token)}&last_event_id=${lastEventId}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.pause();
      resolve(socket);
    });
    req.on('response', (res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Waits until the heap stops growing (the server has queued all it is going to queue). */
async function settledHeap(): Promise<number> {
  let last = heapMb();
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = heapMb();
    if (Math.abs(now - last) < 1) return now;
    last = now;
  }
  return last;
}

const MESSAGES = 130;
const SOCKETS = 40;

describe('resumes that never read', () => {
  it('hold a bounded, shared amount of memory', async () => {
    const d = await createDialog(server, { participants: [person('m-attacker'), person('m-peer')] });
    const attacker = await server.user('m-attacker');
    const content = 'y'.repeat(49_000);
    for (let i = 0; i < MESSAGES; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => attacker.post(`/api/v1/dialogs/${d.id}/messages`, { content })));
      for (const res of batch) expect(res.status).toBe(200);
    }
    const logMb = (MESSAGES * content.length) / 1024 / 1024;
    const before = await settledHeap();
    for (let i = 0; i < SOCKETS; i++) sockets.push(await silentSocket(server.url, tokenOf(attacker), 0));
    const after = await settledHeap();
    const grown = after - before;
    console.log(
      `heap ${before.toFixed(1)} -> ${after.toFixed(1)} MB (+${grown.toFixed(1)}) for ${SOCKETS} silent resumes of a ${logMb.toFixed(1)} MB log`,
    );
    // One copy per socket would be SOCKETS x logMb (250 MB here); the bound allows a few shared copies.
    expect(grown).toBeLessThan(4 * logMb + 40);
    // The server still answers.
    expect((await attacker.get(`/api/v1/dialogs/${d.id}/messages?limit=1`)).status).toBe(200);
  }, 180_000); // posting 6 MB on a busy machine and waiting for the heap to settle takes a while
});
