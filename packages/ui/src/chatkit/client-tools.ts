/** @module chatkit/client-tools: the client tools <parley-chatkit> hands the core: the host's schema-checked ones, else its `onClientTool`. */
import type { ArgumentSchema, ClientTool } from '@parley/chatkit';

/** What the host's `onClientTool` receives: the tool's name and its (model-generated, untrusted) arguments. */
export interface ClientToolCall {
  name: string;
  params: Record<string, unknown>;
  callId: string;
  threadId: string;
}
export type OnClientTool = (call: ClientToolCall) => unknown | Promise<unknown>;

/** Arguments of a tool answered by `onClientTool` must at least be a plain object. */
const objectArgs: ArgumentSchema<Record<string, unknown>> = {
  parse(value) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('arguments must be an object');
    return value as Record<string, unknown>;
  },
};

/** Tools by name, looked up when a call arrives (so the host may set or change them at any time). */
export function toolRegistry(
  own: () => Record<string, ClientTool<unknown>> | undefined,
  fallback: () => OnClientTool | undefined,
): Record<string, ClientTool<unknown>> {
  return new Proxy({} as Record<string, ClientTool<unknown>>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      const tool = own()?.[name];
      if (tool) return tool;
      const handler = fallback();
      if (!handler) return undefined;
      return {
        schema: objectArgs,
        handler: (params: Record<string, unknown>, call: { name: string; callId: string; threadId: string }) =>
          handler({ name: call.name, params, callId: call.callId, threadId: call.threadId }),
      };
    },
  });
}
