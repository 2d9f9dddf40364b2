/** @module config: MTChat's Vue SDK `config` (MTChatConfig) mapped onto <parley-chat>'s properties. */
import type { ClientToolHandler, Strings } from '@parley/ui';

/** MTChat's Vue SDK config shape, as an MTChat app passes it; Parley's extras are optional. */
export interface MTChatConfig {
  baseUrl: string;
  wsUrl?: string;
  userId?: string;
  /** A token for the user (MTChat: a JWT); sent as the bearer token. */
  token?: string;
  scopeConfig?: { tenant_uid?: string; scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[] };
  userProfile?: { displayName?: string; company?: string; email?: string; phone?: string };
  locale?: 'ru' | 'en' | 'zh' | string;
  theme?: 'light' | 'dark';
  reconnect?: boolean;
  reconnectInterval?: number;
  heartbeatInterval?: number;
  /** Parley: a function returning a fresh token (preferred over a fixed `token`). */
  getToken?: () => Promise<string>;
  /** Parley: an endpoint of the host backend that returns a fresh token as text. */
  tokenUrl?: string;
  /** Parley: overrides of UI strings. */
  strings?: Partial<Strings>;
  /** Parley: answers an agent's client tool call (see docs/ui.md). */
  onClientTool?: ClientToolHandler;
}

export interface ChatElementProps {
  baseUrl: string;
  tokenUrl?: string;
  getToken?: () => Promise<string>;
  scope?: { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[] };
  profile?: { displayName?: string; company?: string; email?: string; phone?: string };
  locale?: string;
  theme?: 'light' | 'dark';
  strings?: Partial<Strings>;
  onClientTool?: ClientToolHandler;
}

/**
 * Maps an MTChat config onto <parley-chat>. MTChat's identity by `userId` alone (no token) is not supported:
 * Parley needs a token (fixed `token`, `getToken` or `tokenUrl`). `tenant_uid` becomes scope level 0, as in
 * MTChat's scope matching; reconnect and heartbeat settings are Parley's own (the client never gives up).
 */
export function fromMTChatConfig(config: MTChatConfig): ChatElementProps {
  const scope = config.scopeConfig;
  const token = config.token;
  return {
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    tokenUrl: config.tokenUrl,
    getToken: config.getToken ?? (token ? async () => token : undefined),
    scope: scope
      ? {
          scope_level0: scope.scope_level0 ?? (scope.tenant_uid ? [scope.tenant_uid] : undefined),
          scope_level1: scope.scope_level1,
          scope_level2: scope.scope_level2,
        }
      : undefined,
    profile: config.userProfile,
    locale: config.locale,
    theme: config.theme,
    strings: config.strings,
    onClientTool: config.onClientTool,
  };
}
