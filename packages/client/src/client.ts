/**
 * @module client: createClient(), the facade. It only composes: auth, REST surfaces, the realtime connection,
 * the send queue and the state store; each lives in its own module. See docs/client.md.
 */
import { AgentsApi } from './api/agents.js';
import { DialogsApi } from './api/dialogs.js';
import { FilesApi } from './api/files.js';
import { encodeScope, Http } from './api/http.js';
import { MessagesApi } from './api/messages.js';
import { ParticipantsApi } from './api/participants.js';
import { createAuthenticator } from './auth/token-manager.js';
import { ConnectionManager, type ConnectionState, type ProbeResult } from './connection/manager.js';
import type { TransportFactory, TransportName } from './connection/transport.js';
import { sseTransport, sseUrl } from './connection/transports/sse.js';
import { websocketTransport, websocketUrl } from './connection/transports/websocket.js';
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';
import type { ClientEvents } from './events.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { Outbox } from './queue/outbox.js';
import type { Message } from '@parley/protocol';
import { ChatStore } from './state/chat-store.js';
import { Sync } from './state/sync.js';

export interface ParleyClient {
  readonly dialogs: DialogsApi;
  readonly messages: MessagesApi;
  readonly participants: ParticipantsApi;
  readonly files: FilesApi;
  /** Stop agent replies, read agents' ChatKit items, send widget actions (docs/agents.md). */
  readonly agents: AgentsApi;
  /** Dialogs, messages per dialog, unread counts, pending sends, presence: kept current by realtime events. */
  readonly state: ChatStore;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(name: K, fn: (payload: ClientEvents[K]) => void): () => void;
  once<K extends keyof ClientEvents>(name: K, fn: (payload: ClientEvents[K]) => void): () => void;
  /** Opens the realtime connection; resolves once connected and the dialog list is loaded. Never gives up. */
  connect(): Promise<void>;
  /** Closes the connection, rejects queued sends with CLIENT_CLOSED and removes every listener. */
  close(): void;
  /** Reloads the dialog list into the state. */
  sync(): Promise<void>;
  /** Retry now instead of waiting for the backoff (what the browser's `online` event does). */
  reconnectNow(): void;
  readonly connection: {
    readonly state: ConnectionState | 'idle';
    readonly transport: TransportName | undefined;
    readonly lastEventId: number | undefined;
  };
  /** Sends made but not yet stored by the server. */
  readonly queuedSends: number;
}

/**
 * Creates a client. Nothing touches the network until the first call or `connect()`.
 *
 * @example
 * const client = createClient({
 *   baseUrl: 'https://chat.example.com',
 *   auth: { getClientSecret: async () => (await fetch('/my-backend/parley-token')).text() },
 * });
 * client.on('message.new', (m) => console.log(m.sender_id, m.content));
 * await client.connect();
 * await client.messages.send(dialogId, 'Hello');
 */
export function createClient(options: ClientOptions): ParleyClient {
  const opts = resolveOptions(options, encodeScope);
  const emitter = new Emitter<ClientEvents>();
  const emitError = (err: ParleyError) => emitter.emit('error', err.toJSON());
  const auth = createAuthenticator(opts.auth, emitError);
  let lastRejected: string | undefined;
  const http = new Http({
    baseUrl: opts.baseUrl,
    fetch: opts.fetch,
    auth,
    headers: opts.headers,
    timeoutMs: opts.requestTimeoutMs ?? 30_000,
    onAuthRejected(err, refreshing, credential) {
      // Many requests refused for one credential are one expiry, not many.
      const key = `${credential ?? ''}|${refreshing}`;
      if (key === lastRejected) return;
      lastRejected = key;
      emitter.emit('auth.expired', { code: err.code, message: err.message, refreshing });
    },
  });
  const store = new ChatStore();
  const outbox: Outbox = new Outbox(
    {
      post: (dialogId, body): Promise<Message> => messages.post(dialogId, { ...body }),
      onSending: (entry) => setPendingStatus(entry.dialogId, entry.body.client_message_id, 'sending'),
      onWaiting: (entry) => setPendingStatus(entry.dialogId, entry.body.client_message_id, 'queued'),
      onStored: (entry, message) => store.confirmPending(entry.dialogId, entry.body.client_message_id, message),
      onFailed: (entry, err) => {
        store.dropPending(entry.dialogId, entry.body.client_message_id);
        if (err.code !== 'CLIENT_CLOSED') emitError(err);
      },
    },
    opts.queue?.backoff,
  );
  const setPendingStatus = (dialogId: string, cmid: string, status: 'queued' | 'sending') => {
    const p = store.get().pending[dialogId]?.find((x) => x.client_message_id === cmid);
    if (p && p.status !== status) store.putPending({ ...p, status });
  };
  const dialogs = new DialogsApi(http, store);
  const messages: MessagesApi = new MessagesApi(http, store, outbox);
  const sync = new Sync(store, dialogs, messages, emitter);

  const factories: Record<TransportName, TransportFactory> = {
    websocket: websocketTransport(opts.WebSocket),
    sse: sseTransport(opts.fetch),
  };
  const baseUrl = http.baseUrl;
  const realtimeRequest = { method: 'GET', url: websocketUrl({ baseUrl, token: undefined, headers: {}, lastEventId: undefined }) };
  const probe = async (): Promise<ProbeResult> => {
    const before = auth.tokens?.current;
    try {
      await http.request({
        method: 'GET',
        path: '/api/v1/dialogs',
        query: { limit: 1 },
        timeoutMs: opts.transport?.connectTimeoutMs ?? 15_000,
      });
      return auth.tokens && auth.tokens.current !== before ? 'refreshed' : 'ok';
    } catch (err) {
      if (!(err instanceof ParleyError)) return 'unreachable';
      if (err.status === 401) return 'rejected';
      return err.status === 0 || err.status >= 500 || err.status === 429 ? 'unreachable' : 'ok';
    }
  };

  let firstConnect: { promise: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;
  const manager = new ConnectionManager(
    {
      baseUrl,
      transports: (opts.transport?.transports ?? ['websocket', 'sse']).map((name) => factories[name]),
      backoff: opts.transport?.backoff,
      heartbeat: opts.transport?.heartbeat,
      connectTimeoutMs: opts.transport?.connectTimeoutMs,
      stableAfterMs: opts.transport?.stableAfterMs,
      network: opts.network,
      async credentials() {
        const token = await auth.bearer(realtimeRequest);
        const custom =
          auth.mode === 'custom'
            ? (await auth.credentials({ method: 'GET', url: sseUrl({ baseUrl, token, headers: {}, lastEventId: undefined }) })).headers
            : {};
        return { token, headers: { ...opts.headers, ...custom } };
      },
      async recoverAuth(token) {
        const ok = await auth.recover(token, realtimeRequest);
        emitter.emit('auth.expired', { code: 'UNAUTHORIZED', message: 'The realtime connection was refused', refreshing: ok });
        return ok;
      },
      probe,
      async renew(current) {
        const token = await auth.bearer(realtimeRequest);
        if (token !== undefined && token !== current) return { token };
        const wait = auth.tokens?.refreshInMs();
        return wait === undefined || !Number.isFinite(wait) ? {} : { retryInMs: wait };
      },
    },
    {
      onConnected({ userId, resumed }) {
        if (userId) store.setUser(userId);
        outbox.wake();
        const synced = store.get().synced;
        const work = !synced ? sync.refresh() : !resumed ? sync.recover('reconnected') : Promise.resolve(sync.retryOwed());
        void work.catch(() => {}).finally(() => firstConnect?.resolve());
      },
      onEvent: (frame) => sync.handleFrame(frame),
      onResync: () => void sync.recover('resync_required').catch(() => {}),
      onState(event) {
        store.setConnection(event.state);
        emitter.emit('connection.state', event);
      },
      onError: emitError,
    },
  );
  const offResume = opts.network.onResume(() => outbox.wake());
  let started = false;

  return {
    dialogs,
    messages,
    participants: new ParticipantsApi(http),
    files: new FilesApi(http, opts.fetch),
    agents: new AgentsApi(http),
    state: store,
    on: (name, fn) => emitter.on(name, fn),
    once: (name, fn) => emitter.once(name, fn),
    connect() {
      if (!firstConnect) {
        let resolve!: () => void;
        let reject!: (err: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        firstConnect = { promise, resolve, reject };
      }
      if (!started) {
        started = true;
        manager.connect();
      }
      return firstConnect.promise;
    },
    close() {
      manager.close();
      outbox.close();
      sync.close();
      offResume();
      firstConnect?.reject(new ParleyError('CLIENT_CLOSED', 'The client was closed'));
      firstConnect?.promise.catch(() => {});
      emitter.clear();
    },
    sync: () => sync.refresh(),
    reconnectNow() {
      manager.reconnectNow('reconnect requested');
      outbox.wake();
    },
    get connection() {
      return { state: started ? manager.current : ('idle' as const), transport: manager.transportName, lastEventId: manager.lastEventId };
    },
    get queuedSends() {
      return outbox.size;
    },
  };
}
