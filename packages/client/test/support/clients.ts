/** Helpers for the client's tests: a client wired for Node (ws WebSocket, a manual network signal), waiting, dialogs. */
import { WebSocket } from 'ws';
import { createClient, manualNetwork, type ClientOptions, type ParleyClient, type WebSocketConstructor } from '../../src/index.js';
import type { Api } from '../../../server/test/support/api.js';

export type TestClient = ParleyClient & { network: ReturnType<typeof manualNetwork> };

const open: ParleyClient[] = [];

export function nodeClient(baseUrl: string, auth: ClientOptions['auth'], extra: Partial<ClientOptions> = {}): TestClient {
  const network = manualNetwork();
  const client = createClient({
    baseUrl,
    auth,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    network,
    ...extra,
    transport: { backoff: { initialMs: 50, maxMs: 1000 }, ...extra.transport },
    queue: { backoff: { initialMs: 50, maxMs: 500 }, ...extra.queue },
  });
  open.push(client);
  return Object.assign(client, { network });
}

/** Closes every client made by nodeClient (call in afterEach/afterAll). */
export function closeClients(): void {
  for (const c of open.splice(0)) c.close();
}

let n = 0;
export function uid(prefix: string): string {
  n += 1;
  return `${prefix}-${n}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Creates a dialog through the Management API with these users as participants. */
export async function dialogWith(admin: Api, users: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post('/api/v1/management/dialogs', {
    object_id: uid('obj'),
    object_type: 'order',
    title: 'Order chat',
    participants: users.map((u) => ({ user_id: u, display_name: u.toUpperCase() })),
    ...extra,
  });
  if (res.status !== 200) throw new Error(`create dialog failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}
