/** Must NOT compile: proves chatkit-types.test.ts's harness catches disagreeing shapes. */
import type * as Official from '@openai/chatkit';
import type { ChatKitEvents, UserContent } from '../../src/index.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const yes = <T extends true>(_: T) => {};

export const missingText: UserContent = { type: 'input_tag', id: 'x' };
type Detail<K extends keyof Official.ChatKitEvents> = Official.ChatKitEvents[K] extends CustomEvent<infer D> ? D : never;
yes<Same<ChatKitEvents['chatkit.log'], Detail<'chatkit.thread.change'>>>(true);
