/** Must NOT compile: proves the conformance harness notices a shape that disagrees with @openai/chatkit. */
import type { UserMessageContent as CkUserMessageContent, Widgets } from '@openai/chatkit';

export const missingText: CkUserMessageContent = { type: 'input_text' } as { type: 'input_text' };
export const wrongRoot: Widgets.Card = { type: 'Box', children: [] } as { type: 'Box'; children: [] };
