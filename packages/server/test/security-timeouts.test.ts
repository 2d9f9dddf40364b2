/**
 * Slow clients (item 6 of issue #16): connections that send headers forever, bodies that stall, and bodies
 * trickled a byte at a time used to be held for minutes (Fastify's request timeout was 0). Each is now cut off
 * by its own timeout, while a WebSocket opened before them lives on.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { WsClient } from './support/realtime.js';
import { startServer, type TestServer } from './support/server.js';

interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

async function open(url: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (b) => (data += String(b)));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => data, closed };
}

/** Resolves with how long the server took to close the connection (the test's own timeout bounds the wait). */
async function closedAfter(raw: Raw, started: number): Promise<number> {
  await raw.closed;
  return Date.now() - started;
}

describe('slow clients', () => {
  let server: TestServer;
  let token: string;
  let ws: WsClient;

  beforeAll(async () => {
    server = await startServer({ HTTP_HEADERS_TIMEOUT_SECS: '2', HTTP_BODY_IDLE_TIMEOUT_SECS: '2', HTTP_REQUEST_TIMEOUT_SECS: '4' });
    const dialogId = (await createDialog(server, { participants: [person('tom')] })).id;
    const minted = await server.admin.post('/api/v1/management/tokens', { user_id: 'tom' });
    token = minted.body.data.token;
    ws = await WsClient.connect(server.url, { token });
    expect(dialogId).toBeTruthy();
  });
  afterAll(async () => {
    await ws?.close();
    await server?.close();
  });

  it('cuts off a connection that never finishes its headers', async () => {
    const raw = await open(server.url);
    const started = Date.now();
    raw.socket.write('GET /api/v1/dialogs HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const ms = await closedAfter(raw, started);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeGreaterThanOrEqual(1_500);
  });

  it('cuts off a body that stalls', async () => {
    const raw = await open(server.url);
    const started = Date.now();
    raw.socket.write(
      `POST /api/v1/dialogs/x/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"con`,
    );
    const ms = await closedAfter(raw, started);
    expect(ms).toBeGreaterThanOrEqual(1_500);
  });

  it('cuts off a body trickled a byte at a time, under the idle limit', async () => {
    const raw = await open(server.url);
    const started = Date.now();
    raw.socket.write(
      `POST /api/v1/dialogs/x/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    // The attack itself: one byte every 500 ms, never idle long enough for the body idle timeout.
    const trickle = setInterval(() => raw.socket.writable && raw.socket.write(' '), 500);
    try {
      const ms = await closedAfter(raw, started);
      expect(raw.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeGreaterThanOrEqual(3_500);
    } finally {
      clearInterval(trickle);
    }
  });

  it('leaves a WebSocket opened before the attacks working', async () => {
    expect(ws.ended).toBe(false);
    await ws.ping();
  });
});
