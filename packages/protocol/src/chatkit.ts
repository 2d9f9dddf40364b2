/**
 * @module chatkit: the ChatKit endpoint's requests (chatkit-protocol §2) and the shapes it answers with.
 * Parsed like chatkit-python's pydantic models: `params` required, extra keys ignored.
 */
import { z } from 'zod';
import { ThreadItem } from './agents.js';

const id = z.string().min(1).max(255);
const metadata = z.record(z.string(), z.unknown()).default({});

export const UserMessageContent = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('input_text'), text: z.string().max(50_000) }),
  z.looseObject({
    type: z.literal('input_tag'),
    id: z.string().max(255),
    text: z.string().max(1000),
    data: z.record(z.string(), z.unknown()).default({}),
    group: z.string().optional(),
    interactive: z.boolean().default(false),
  }),
]);

export const UserMessageInput = z.object({
  content: z.array(UserMessageContent).min(1).max(100),
  attachments: z.array(z.string()).max(10).default([]),
  quoted_text: z.string().max(50_000).optional(),
  inference_options: z.object({ tool_choice: z.object({ id: z.string() }).optional(), model: z.string().optional() }).loose(),
});
export type UserMessageInput = z.output<typeof UserMessageInput>;

const Action = z.object({ type: z.string().min(1).max(255), payload: z.unknown().optional() }).loose();
const page = { limit: z.number().int().min(1).max(100).default(20), after: z.string().max(255).optional() };

const req = <T extends string, P extends z.ZodType>(type: T, params: P) => z.object({ type: z.literal(type), params, metadata });

export const ChatKitRequest = z.discriminatedUnion('type', [
  req('threads.create', z.object({ input: UserMessageInput })),
  req('threads.add_user_message', z.object({ thread_id: id, input: UserMessageInput })),
  req('threads.add_client_tool_output', z.object({ thread_id: id, result: z.unknown() })),
  req(
    'threads.add_structured_input',
    z.object({
      thread_id: id,
      item_id: id,
      input: z.object({
        status: z.enum(['answered', 'skipped']).default('answered'),
        answers: z
          .record(z.string(), z.object({ values: z.array(z.string()).default([]), skipped: z.boolean().default(false) }))
          .default({}),
      }),
    }),
  ),
  req('threads.retry_after_item', z.object({ thread_id: id, item_id: id })),
  req('threads.custom_action', z.object({ thread_id: id, item_id: id.optional(), action: Action })),
  req('threads.sync_custom_action', z.object({ thread_id: id, item_id: id.optional(), action: Action })),
  req('threads.get_by_id', z.object({ thread_id: id })),
  req('threads.list', z.object({ ...page, order: z.enum(['asc', 'desc']).default('desc') })),
  req('items.list', z.object({ thread_id: id, ...page, order: z.enum(['asc', 'desc']).default('desc') })),
  req('items.feedback', z.object({ thread_id: id, item_ids: z.array(id).min(1).max(100), kind: z.enum(['positive', 'negative']) })),
  req('attachments.create', z.object({ name: z.string().min(1).max(255), size: z.number().int(), mime_type: z.string().max(255) })),
  req('attachments.delete', z.object({ attachment_id: id })),
  req('threads.update', z.object({ thread_id: id, title: z.string().max(500) })),
  req('threads.delete', z.object({ thread_id: id })),
  req('input.transcribe', z.object({ audio_base64: z.string(), mime_type: z.string() })),
]);
export type ChatKitRequest = z.output<typeof ChatKitRequest>;
export type ChatKitRequestType = ChatKitRequest['type'];

/** The requests answered with an SSE stream (the others answer JSON). */
export const CHATKIT_STREAMING: ReadonlySet<ChatKitRequestType> = new Set([
  'threads.create',
  'threads.add_user_message',
  'threads.add_client_tool_output',
  'threads.add_structured_input',
  'threads.retry_after_item',
  'threads.custom_action',
]);

export const ThreadStatus = z.discriminatedUnion('type', [
  z.object({ type: z.literal('active') }),
  z.object({ type: z.literal('locked'), reason: z.string().optional() }),
  z.object({ type: z.literal('closed'), reason: z.string().optional() }),
]);

export const ItemPage = z.object({ data: z.array(ThreadItem), has_more: z.boolean(), after: z.string().optional() });
export const ChatKitThread = z.object({
  id: z.string(),
  title: z.string().optional(),
  created_at: z.string(),
  status: ThreadStatus,
  metadata: z.record(z.string(), z.unknown()),
  items: ItemPage,
});
export type ChatKitThread = z.infer<typeof ChatKitThread>;
export const ThreadPage = z.object({ data: z.array(ChatKitThread), has_more: z.boolean(), after: z.string().optional() });
