/**
 * @module @parley/protocol: Parley's wire contract, shared by the server and the clients. Every module here is
 * public and exported whole: the list of what a module exports lives in the module, once (docs/adr/protocol-exports.md).
 */
export * from './errors.js';
export * from './limits.js';
export * from './common.js';
export * from './models.js';
export * from './management.js';
export * from './chat.js';
export * from './events.js';
export * from './message-event.js';
export * from './state/apply-event.js';
export * from './webhooks.js';
export * from './search.js';
export * from './files.js';
export * from './agents.js';
export * from './agent-events.js';
export * from './state/apply-item-update.js';
export * from './chatkit.js';
export * from './state/apply-agent-event.js';
export * from './realtime.js';
export * from './frames.js';
