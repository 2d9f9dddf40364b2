/**
 * A TCP proxy between the client and a test server that can fail the way networks fail: `cut()` drops every
 * connection and refuses new ones until `restore()`; `blackhole()` keeps sockets open but silently stops
 * forwarding (a dead link that looks alive); `blockWebSockets()` answers upgrade requests with 403, as some
 * corporate proxies do.
 */
import net from 'node:net';

export interface TcpProxy {
  url: string;
  port: number;
  cut(): void;
  restore(): void;
  blackhole(on: boolean): void;
  blockWebSockets(on: boolean): void;
  /** Connections currently open through the proxy. */
  readonly open: number;
  /** Upgrade requests refused so far. */
  readonly refusedUpgrades: number;
  close(): Promise<void>;
}

function isUpgradeRequest(chunk: Buffer): boolean {
  const head = chunk.toString('latin1');
  return head.startsWith('GET ') && /\r\nupgrade:\s*websocket/i.test(head);
}

export async function startProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let refusing = false;
  let silent = false;
  let blockWs = false;
  let refusedUpgrades = 0;

  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (silent) return;
      if (blockWs && isUpgradeRequest(chunk)) {
        refusedUpgrades += 1;
        client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        upstream.destroy();
        pairs.delete(pair);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silent) client.write(chunk);
    });
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;

  const dropAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    url: `http://${host}:${port}`,
    port,
    cut() {
      refusing = true;
      dropAll();
    },
    restore() {
      refusing = false;
    },
    blackhole(on) {
      silent = on;
    },
    blockWebSockets(on) {
      blockWs = on;
    },
    get open() {
      return pairs.size;
    },
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    async close() {
      refusing = true;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
