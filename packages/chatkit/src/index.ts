/** @module @parley/chatkit: a headless ChatKit client core (browser and Node) for any ChatKit server. */
export { createChatKit } from './chatkit.js';
export type { ChatKit, SendInput, UserContent, Page } from './chatkit.js';
export type {
  ChatKitOptions,
  HostedApi,
  CustomApi,
  UploadStrategy,
  TransportOptions,
  AttachmentLimits,
  ClientTool,
  ArgumentSchema,
  Entity,
  OutgoingRequest,
} from './options.js';
export { ChatKitError, safeMessage } from './errors.js';
export type { ChatKitEvents } from './events.js';
export { reduce, initialState, widgetActionTypes } from './state.js';
export type { ChatKitState, ChatKitItem, ChatKitThreadMeta, Notice } from './state.js';
export type { ChatKitAttachment, UploadInput } from './attachments.js';
export type { StreamEvent } from './transport.js';
