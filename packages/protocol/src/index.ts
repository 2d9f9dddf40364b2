/** @module @parley/protocol: Parley's wire contract, shared by the server and the clients. */
export { ERROR_CATALOG, isErrorCode } from './errors.js';
export type { ErrorCode, ErrorSpec, ErrorBody } from './errors.js';
export { LIMITS, utf8Length } from './limits.js';
export {
  byteText,
  externalId,
  Uuid,
  ScopeInput,
  normalizeLevel,
  EMPTY_SCOPE,
  ParticipantProfileInput,
  ParticipantInput,
} from './common.js';
export type { Scope } from './common.js';
export {
  Dialog,
  DialogView,
  LastMessage,
  ParticipantSummary,
  Participant,
  ChatParticipant,
  AccessScope,
  Attachment,
  Message,
  MessagePage,
} from './models.js';
export {
  CreateDialogBody,
  SearchDialogBody,
  AddParticipantBody,
  ReplaceScopesBody,
  MintTokenBody,
  TokenProfile,
  Origin,
  DialogIdParams,
  DialogParticipantParams,
  DialogDetails,
  MintedToken,
} from './management.js';
export {
  ListDialogsQuery,
  ListByObjectQuery,
  ByObjectParams,
  DialogParams,
  MessageParams,
  DialogMessagesParams,
  JoinBody,
  NotificationsBody,
  ReadBody,
  ListMessagesQuery,
  AttachmentRef,
  SendMessageBody,
  EditMessageBody,
  StatusBody,
} from './chat.js';
export {
  DialogEvent,
  MessageNewEvent,
  MessageEditedEvent,
  MessageDeletedEvent,
  MessageReadEvent,
  ParticipantJoinedEvent,
  ParticipantLeftEvent,
  DialogArchivedEvent,
  DialogUnarchivedEvent,
  DialogPinnedEvent,
  DialogUnpinnedEvent,
  DialogNotificationsEvent,
  DialogCreatedEvent,
  DialogDeletedEvent,
  DialogScopesEvent,
} from './events.js';
export type { DialogEventType, NewDialogEvent } from './events.js';
export { applyEvent, needsFetch } from './state/apply-event.js';
export type { ChatState, DialogState } from './state/apply-event.js';
export {
  WebhookEnvelope,
  WebhookDeliveryStatus,
  ListDeliveriesQuery,
  DeliveryIdParams,
  WebhookDelivery,
  WebhookDeliveryDetails,
  WebhookDeliveryPage,
  RedeliverBody,
} from './webhooks.js';
export { ALLOWED_CONTENT_TYPES, isAllowedContentType, PresignBody, PresignedUpload, AttachmentParams, AttachmentUrl } from './files.js';
export {
  CLOSE_CODES,
  ControlFrame,
  ConnectedFrame,
  PongFrame,
  ResyncRequiredFrame,
  PresenceUpdateFrame,
  AuthExpiringFrame,
  AuthOkFrame,
  AuthFailedFrame,
  AuthExpiredFrame,
  ClientFrame,
} from './realtime.js';
