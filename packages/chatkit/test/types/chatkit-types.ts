/** Compiled by chatkit-types.test.ts: @parley/chatkit's public shapes against the official @openai/chatkit types. */
import type * as Official from '@openai/chatkit';
import type {
  ChatKitAttachment,
  ChatKitEvents,
  CustomApi,
  Entity,
  HostedApi,
  SendInput,
  UploadStrategy,
  UserContent,
} from '../../src/index.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const yes = <T extends true>(_: T) => {};
declare const officialHosted: Official.HostedApiConfig;
declare const officialCustom: Official.CustomApiConfig;

// A chatkit-js api config is accepted as it is.
export const hosted: HostedApi = officialHosted;
export const custom: CustomApi = officialCustom;
yes<Same<UploadStrategy, Official.FileUploadStrategy>>(true);

// Message content, tool choice and attachments travel in both directions.
declare const content: Official.UserMessageContent;
export const toOurs: UserContent = content;
declare const ours: UserContent;
export const toOfficial: Official.UserMessageContent = ours;
yes<Same<NonNullable<SendInput['toolChoice']>, Official.ToolChoice>>(true);
declare const attachment: Official.Attachment;
export const attached: ChatKitAttachment = attachment;
yes<Same<Entity, Official.Entity>>(true);

// Every chatkit.* event both define carries a payload a chatkit-js handler accepts (its CustomEvent detail).
type Detail<K extends keyof Official.ChatKitEvents> = Official.ChatKitEvents[K] extends CustomEvent<infer D> ? D : never;
type Shared = Exclude<
  keyof Official.ChatKitEvents,
  | 'chatkit.deeplink'
  | 'chatkit.history.open'
  | 'chatkit.history.close'
  | 'chatkit.ready'
  | 'chatkit.response.start'
  | 'chatkit.response.end'
>;
type Mismatch = { [K in Shared]: [ChatKitEvents[K]] extends [Detail<K>] ? never : K }[Shared];
yes<Same<Mismatch, never>>(true);
// Payload-less events: void there, undefined here.
yes<Same<Detail<'chatkit.ready'>, void>>(true);
yes<Same<ChatKitEvents['chatkit.ready'] | ChatKitEvents['chatkit.response.start'] | ChatKitEvents['chatkit.response.end'], undefined>>(
  true,
);
