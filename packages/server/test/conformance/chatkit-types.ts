/**
 * Compile-time conformance of Parley's ChatKit shapes with the official `@openai/chatkit` types. Each
 * assignment states a direction the protocol needs; chatkit-conformance.test.ts compiles this file with tsc.
 */
import type { Attachment, ToolChoice, UserMessageContent as CkUserMessageContent, Widgets } from '@openai/chatkit';
import type { z } from 'zod';
import type { UserMessageContent, UserMessageInput, WidgetRoot, ThreadItem } from '@parley/protocol';
import { approvalCard, approvedCard } from '../../src/agents/kinds/demo.js';

declare const fromClient: CkUserMessageContent;
declare const fromParley: z.output<typeof UserMessageContent>;
declare const toolChoice: ToolChoice;
declare const anyWidget: Widgets.WidgetRoot;
declare const parleyInput: z.output<typeof UserMessageInput>;

// What a chatkit-js client sends in a user message, Parley's request schema accepts ...
export const accepted: z.input<typeof UserMessageContent> = fromClient;
// ... and the content Parley sends back in user_message items, chatkit-js reads.
export const returned: CkUserMessageContent = fromParley;
// Tool choice, both ways.
export const choiceIn: NonNullable<z.input<typeof UserMessageInput>['inference_options']['tool_choice']> = toolChoice;
export const choiceOut: ToolChoice = parleyInput.inference_options.tool_choice!;
// Any widget chatkit-js can render passes Parley's widget validation (agents may send every one of them) ...
export const widgetIn: z.input<typeof WidgetRoot> = anyWidget;
// ... and the demo agent's widgets are real chatkit-js widgets.
export const demoCard: Widgets.Card = approvalCard();
export const demoApproved: Widgets.Card = approvedCard('Gina');
// A widget item's widget (Parley's item schema) accepts every chatkit-js widget root.
export const itemWidget: Extract<z.input<typeof ThreadItem>, { type: 'widget' }>['widget'] = anyWidget;
// The attachment descriptors chatkit-js expects are the ones Parley's protocol names (type-level only).
export type AttachmentTypes = Attachment['type'] extends 'file' | 'image' ? true : never;
