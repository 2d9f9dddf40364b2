/** @module agents/kinds/openai: an OpenAI-compatible chat-completions server, streamed. */
import { AgentFailure, type AgentKind } from './types.js';

export const openAiAgent: AgentKind = async function* () {
  throw new AgentFailure('openai agents are not available yet');
};
