/**
 * @module realtime: the control frames of a realtime connection (WebSocket and SSE): what is not an event of
 * the log (no `event_id`); its close codes are in frames.ts. Shared by the server, which sends them, and the client, which
 * parses them. See the server's docs/events.md.
 */
import { z } from 'zod';
import { AgentItemPartialFrame } from './agent-events.js';

/** The first frame of every connection. */
export const ConnectedFrame = z.object({
  type: z.literal('connected'),
  employee_id: z.string(),
  /** On a connection opened without a cursor: where the log stands; resume from it later without a gap. */
  last_event_id: z.number().int().optional(),
});
/** The answer to `{"type":"ping"}`. */
export const PongFrame = z.object({ type: z.literal('pong') });
/** Events after the client's cursor cannot be replayed: refetch; live events follow. */
export const ResyncRequiredFrame = z.object({ type: z.literal('resync_required') });
/** A co-participant came online or went offline (never in the log). */
export const PresenceUpdateFrame = z.object({ type: z.literal('presence.update'), user_id: z.string(), is_online: z.boolean() });
/**
 * How many members of a large dialog are online (never in the log): sent instead of one `presence.update` per
 * member when the dialog has more members than the server's PRESENCE_LARGE_DIALOG, once its presence settles.
 */
export const PresenceDigestFrame = z.object({
  type: z.literal('presence.digest'),
  dialog_id: z.string(),
  online_count: z.number().int(),
  member_count: z.number().int(),
});
/** The connection's token expires soon: renew in-band with `{"type":"auth","token"}`. */
export const AuthExpiringFrame = z.object({ type: z.literal('auth.expiring'), expires_at: z.string() });
export const AuthOkFrame = z.object({ type: z.literal('auth.ok'), expires_at: z.string().nullable() });
export const AuthFailedFrame = z.object({ type: z.literal('auth.failed'), code: z.string(), message: z.string() });
/** The token ran out; over WebSocket the close (CLOSE_CODES.authExpired) follows. */
export const AuthExpiredFrame = z.object({ type: z.literal('auth.expired') });

/** Every control frame: a discriminated union on `type`. */
export const ControlFrame = z.discriminatedUnion('type', [
  ConnectedFrame,
  PongFrame,
  ResyncRequiredFrame,
  PresenceUpdateFrame,
  PresenceDigestFrame,
  AuthExpiringFrame,
  AuthOkFrame,
  AuthFailedFrame,
  AuthExpiredFrame,
  // An agent item streaming right now, sent to a connection that opens without a cursor (docs/agents.md).
  AgentItemPartialFrame,
]);
export type ControlFrame = z.infer<typeof ControlFrame>;

/** What a client may send over the WebSocket besides MTChat's ignored subscribe/unsubscribe. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('auth'), token: z.string() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
