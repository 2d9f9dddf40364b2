/**
 * @module agents: AI agents as dialog participants (docs/agents.md): the Management API bodies of the agent
 * registry, and the ChatKit item and item-update shapes agents stream (chatkit-protocol §3).
 */
import { z } from 'zod';
import { byteText, externalId } from './common.js';
import { LIMITS } from './limits.js';

/** An agent takes part in dialogs as the user `agent:<id>`; no token may name such a user. */
export const AGENT_USER_PREFIX = 'agent:';
export const isAgentUserId = (userId: string): boolean => userId.startsWith(AGENT_USER_PREFIX);
export const agentUserId = (agentId: string): string => AGENT_USER_PREFIX + agentId;

export const AgentTrigger = z.enum(['every_message', 'mention']);
export type AgentTrigger = z.infer<typeof AgentTrigger>;

const agentId = externalId('id', 200).regex(/^[A-Za-z0-9_.-]+$/, { message: 'id may contain only letters, digits, _ . -' });
const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http(s) URL' });
const displayName = byteText('display_name', LIMITS.displayNameBytes).refine((v) => v.trim().length > 0, {
  message: 'display_name is required',
});
const secret = z.string().min(1).max(1024);

const common = { id: agentId, display_name: displayName, trigger: AgentTrigger.default('every_message') };
/** kind "http": an external agent service that speaks the HTTP agent protocol (signed requests, SSE answers). */
export const HttpAgentOptions = z.object({ url: httpUrl, secret });
/** kind "openai": any OpenAI-compatible chat-completions server, streamed. */
export const OpenAiAgentOptions = z.object({
  base_url: httpUrl,
  api_key: secret.optional(),
  model: z.string().min(1).max(200),
  instructions: z.string().max(32_000).optional(),
});

export const CreateAgentBody = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('http'), ...HttpAgentOptions.shape }),
  z.object({ ...common, kind: z.literal('openai'), ...OpenAiAgentOptions.shape }),
  z.object({ ...common, kind: z.literal('demo') }),
]);
export type CreateAgentBody = z.output<typeof CreateAgentBody>;

/** Any subset of the fields of the agent's kind (the kind itself cannot change). `api_key: null` removes a key. */
export const PatchAgentBody = z
  .object({
    display_name: displayName,
    trigger: AgentTrigger,
    url: httpUrl,
    secret,
    base_url: httpUrl,
    api_key: secret.nullable(),
    model: z.string().min(1).max(200),
    instructions: z.string().max(32_000).nullable(),
  })
  .partial()
  .strict();
export type PatchAgentBody = z.output<typeof PatchAgentBody>;

export const AgentIdParams = z.object({ id: agentId });

/** An agent as the Management API shows it: secrets are never included, only whether one is set. */
export const Agent = z.object({
  id: z.string(),
  user_id: z.string(),
  display_name: z.string(),
  kind: z.enum(['http', 'openai', 'demo']),
  trigger: AgentTrigger,
  url: z.string().optional(),
  base_url: z.string().optional(),
  model: z.string().optional(),
  instructions: z.string().optional(),
  has_secret: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Agent = z.infer<typeof Agent>;

/** The ChatKit options a minted token may carry: the agent that threads.create puts in new threads. */
export const TokenChatKitOptions = z.object({
  agent_id: agentId,
  object_type: externalId('object_type', LIMITS.objectTypeChars).optional(),
});

// ChatKit items and updates, as far as Parley checks them. Extra fields pass through unchanged.

const itemBase = { id: z.string(), thread_id: z.string(), created_at: z.string() };
export const OutputText = z.looseObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()).default([]),
});
/** The widget components ChatKit renders (chatkit-python's strict list, plus chatkit-js's Table). */
export const WIDGET_COMPONENTS = [
  'Text',
  'Title',
  'Caption',
  'Markdown',
  'Badge',
  'Box',
  'Row',
  'Col',
  'Form',
  'Divider',
  'Spacer',
  'Icon',
  'Image',
  'Button',
  'ListViewItem',
  'Select',
  'DatePicker',
  'Checkbox',
  'Input',
  'Textarea',
  'Label',
  'RadioGroup',
  'Chart',
  'Transition',
  'Table',
  'Table.Row',
  'Table.Cell',
  'Card',
  'ListView',
  'Basic',
] as const;
export const WidgetNode: z.ZodType<{ type: string; [k: string]: unknown }> = z.lazy(() =>
  z.looseObject({ type: z.enum(WIDGET_COMPONENTS), id: z.string().optional(), children: z.array(WidgetNode).optional() }),
);
/** The roots a widget item may have (chatkit-protocol §4.1). */
export const WidgetRoot = z.looseObject({ type: z.enum(['Card', 'ListView', 'Basic']), children: z.array(WidgetNode).default([]) });

export const ThreadItem = z.discriminatedUnion('type', [
  z.looseObject({
    ...itemBase,
    type: z.literal('user_message'),
    content: z.array(z.looseObject({ type: z.string() })),
    attachments: z.array(z.unknown()).default([]),
  }),
  z.looseObject({ ...itemBase, type: z.literal('assistant_message'), content: z.array(OutputText) }),
  z.looseObject({ ...itemBase, type: z.literal('widget'), widget: WidgetRoot, copy_text: z.string().optional() }),
  z.looseObject({
    ...itemBase,
    type: z.literal('client_tool_call'),
    status: z.enum(['pending', 'completed']).default('pending'),
    call_id: z.string(),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({ ...itemBase, type: z.literal('workflow'), workflow: z.looseObject({ type: z.string(), tasks: z.array(z.unknown()) }) }),
  z.looseObject({ ...itemBase, type: z.literal('task'), task: z.looseObject({ type: z.string() }) }),
  z.looseObject({ ...itemBase, type: z.literal('generated_image') }),
  z.looseObject({ ...itemBase, type: z.literal('end_of_turn') }),
]);
export type ThreadItem = z.infer<typeof ThreadItem>;
export type ThreadItemType = ThreadItem['type'];

export const ThreadItemUpdate = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assistant_message.content_part.added'), content_index: z.number().int().min(0), content: OutputText }),
  z.object({ type: z.literal('assistant_message.content_part.text_delta'), content_index: z.number().int().min(0), delta: z.string() }),
  z.object({
    type: z.literal('assistant_message.content_part.annotation_added'),
    content_index: z.number().int().min(0),
    annotation_index: z.number().int().min(0),
    annotation: z.unknown(),
  }),
  z.object({ type: z.literal('assistant_message.content_part.done'), content_index: z.number().int().min(0), content: OutputText }),
  z.object({ type: z.literal('widget.streaming_text.value_delta'), component_id: z.string(), delta: z.string(), done: z.boolean() }),
  z.object({ type: z.literal('widget.root.updated'), widget: WidgetRoot }),
  z.object({ type: z.literal('widget.component.updated'), component_id: z.string(), component: WidgetNode }),
  z.object({ type: z.literal('workflow.task.added'), task_index: z.number().int().min(0), task: z.looseObject({ type: z.string() }) }),
  z.object({ type: z.literal('workflow.task.updated'), task_index: z.number().int().min(0), task: z.looseObject({ type: z.string() }) }),
  z.object({
    type: z.literal('generated_image.updated'),
    image: z.object({ id: z.string(), url: z.string() }),
    progress: z.number().optional(),
  }),
]);
export type ThreadItemUpdate = z.infer<typeof ThreadItemUpdate>;

/** What an agent may stream (the HTTP agent protocol's SSE frames): ChatKit's ThreadStreamEvent, minus thread events. */
export const AgentStreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thread.item.added'), item: ThreadItem }),
  z.object({ type: z.literal('thread.item.updated'), item_id: z.string(), update: ThreadItemUpdate }),
  z.object({ type: z.literal('thread.item.done'), item: ThreadItem }),
  z.object({ type: z.literal('thread.item.replaced'), item: ThreadItem }),
  z.object({ type: z.literal('thread.item.removed'), item_id: z.string() }),
  z.object({ type: z.literal('progress_update'), text: z.string(), icon: z.string().optional() }),
  z.object({ type: z.literal('client_effect'), name: z.string(), data: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'danger']), message: z.string(), title: z.string().optional() }),
  z.object({
    type: z.literal('error'),
    code: z.string().default('custom'),
    message: z.string().optional(),
    allow_retry: z.boolean().default(false),
  }),
  z.object({ type: z.literal('stream_options'), stream_options: z.object({ allow_cancel: z.boolean() }) }),
]);
export type AgentStreamEvent = z.infer<typeof AgentStreamEvent>;
