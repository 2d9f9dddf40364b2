/** @module @parley/client: the headless Parley SDK for browsers and Node. Everything public is exported by name here. */
export { createClient } from './client.js';
export type { ParleyClient } from './client.js';
export type { ClientOptions, ScopeConfig, TransportOptions } from './options.js';
export { ParleyError } from './errors.js';
export type { ClientErrorCode, ParleyErrorCode } from './errors.js';
export type { AuthOption, HostedAuth, CustomAuth, AuthRequest } from './auth/token-manager.js';
export { TokenManager, readTokenTimes } from './auth/token-manager.js';
export type {
  ClientEvents,
  ClientEventName,
  PresenceUpdate,
  AuthExpired,
  ErrorEvent,
  ResyncEvent,
} from './events.js';
export type { ConnectionState, ConnectionStateEvent, HeartbeatOptions } from './connection/manager.js';
export type { TransportName } from './connection/transport.js';
export type { WebSocketConstructor, WebSocketLike } from './connection/transports/websocket.js';
export { Backoff } from './connection/backoff.js';
export { SseParser } from './connection/sse-parser.js';
export type { SseMessage } from './connection/sse-parser.js';
export { Emitter } from './emitter.js';
export type { Listener } from './emitter.js';
export type { BackoffOptions } from './connection/backoff.js';
export { browserNetwork, manualNetwork } from './connection/network.js';
export type { NetworkSignal } from './connection/network.js';
export { StateStore } from './state/store.js';
export type { StoreListener } from './state/store.js';
export type { ChatStore } from './state/chat-store.js';
export { selectMessages, selectUnread, selectTotalUnread, selectAgentItems } from './state/chat-state.js';
export type { ClientState, PendingMessage, ConnectionStatus } from './state/chat-state.js';
export type { DialogsApi } from './api/dialogs.js';
export type { MessagesApi } from './api/messages.js';
export type { ParticipantsApi } from './api/participants.js';
export type { FilesApi, UploadOptions } from './api/files.js';
export type { AgentsApi, WidgetAction } from './api/agents.js';
export type {
  AttachmentRef,
  ChatParticipant,
  DialogView,
  JoinProfile,
  ListByObjectParams,
  ListDialogsParams,
  ListMessagesParams,
  Message,
  MessagePage,
  SearchHit,
  SearchMessagesParams,
  SearchPage,
  SendMessageInput,
} from './api/types.js';
