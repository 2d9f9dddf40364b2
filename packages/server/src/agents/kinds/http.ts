/** @module agents/kinds/http: an external agent service (the HTTP agent protocol, docs/agents.md). */
import { AgentFailure, type AgentKind } from './types.js';

export const httpAgent: AgentKind = async function* () {
  throw new AgentFailure('http agents are not available yet');
};
