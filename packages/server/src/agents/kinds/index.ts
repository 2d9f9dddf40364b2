/** @module agents/kinds: the agent kinds by name. */
import type { AgentRecord } from '../registry.js';
import { demoAgent } from './demo.js';
import { httpAgent } from './http.js';
import { openAiAgent } from './openai.js';
import type { AgentKind } from './types.js';

export function kindOf(agent: AgentRecord): AgentKind {
  switch (agent.kind) {
    case 'demo':
      return demoAgent;
    case 'http':
      return httpAgent;
    case 'openai':
      return openAiAgent;
  }
}
