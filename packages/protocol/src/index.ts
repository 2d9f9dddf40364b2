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
  MessageAttachmentsUpdatedEvent,
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
export { SearchMessagesQuery, SearchHitDialog, SearchHit, SearchPage } from './search.js';
export { ALLOWED_CONTENT_TYPES, isAllowedContentType, PresignBody, PresignedUpload, AttachmentParams, AttachmentUrl } from './files.js';
export {
  AGENT_USER_PREFIX,
  isAgentUserId,
  agentUserId,
  AgentTrigger,
  CreateAgentBody,
  PatchAgentBody,
  AgentIdParams,
  Agent,
  TokenChatKitOptions,
  HttpAgentOptions,
  OpenAiAgentOptions,
  ThreadItem,
  ThreadItemUpdate,
  WidgetRoot,
  WidgetNode,
  OutputText,
  AgentStreamEvent,
} from './agents.js';
export type { ThreadItemType } from './agents.js';
export {
  AgentEvent,
  AgentRunStartedEvent,
  AgentItemAddedEvent,
  AgentItemUpdatedEvent,
  AgentItemDoneEvent,
  AgentItemReplacedEvent,
  AgentItemRemovedEvent,
  AgentErrorEvent,
  AgentRunFinishedEvent,
  AgentSignalEvent,
  AgentItemPartialFrame,
  ItemFeedbackEvent,
} from './agent-events.js';
export type { AgentEventType } from './agent-events.js';
export { applyItemUpdate } from './state/apply-item-update.js';
export {
  ChatKitRequest,
  CHATKIT_STREAMING,
  UserMessageInput,
  UserMessageContent,
  ChatKitThread,
  ThreadPage,
  ItemPage,
  ThreadStatus,
} from './chatkit.js';
export type { ChatKitRequestType } from './chatkit.js';
export { applyAgentEvent } from './state/apply-agent-event.js';
export type { AgentItems, PendingAgentItem } from './state/apply-agent-event.js';
export { CLOSE_CODES, DIALOG_EVENT_TYPES, isDialogEventFrame, isAgentItemPartialFrame, isPresenceDigestFrame } from './frames.js';
export {
  ControlFrame,
  ConnectedFrame,
  PongFrame,
  ResyncRequiredFrame,
  PresenceUpdateFrame,
  PresenceDigestFrame,
  AuthExpiringFrame,
  AuthOkFrame,
  AuthFailedFrame,
  AuthExpiredFrame,
  ClientFrame,
} from './realtime.js';
