/**
 * @module @parley/react: <ParleyChat> for React, a thin wrapper of <parley-chat>: props become the element's
 * properties and attributes, its DOM events become callbacks.
 */
import { createElement, useEffect, useRef } from 'react';
import '@parley/ui';
import type { ClientToolHandler, ParleyChat as ParleyChatElement, Strings } from '@parley/ui';

export interface ParleyChatProps {
  baseUrl: string;
  tokenUrl?: string;
  getToken?: () => Promise<string>;
  mode?: 'full' | 'inline';
  objectType?: string;
  objectId?: string;
  dialogId?: string;
  theme?: 'light' | 'dark';
  locale?: string;
  scope?: { scope_level0?: string[]; scope_level1?: string[]; scope_level2?: string[] };
  profile?: { displayName?: string; company?: string; email?: string; phone?: string };
  strings?: Partial<Strings>;
  /** Answers an agent's client tool call (see docs/ui.md). */
  onClientTool?: ClientToolHandler;
  className?: string;
  style?: Record<string, string | number>;
  onReady?: () => void;
  onDialogOpen?: (detail: { dialogId: string }) => void;
  onMessageSent?: (detail: unknown) => void;
  onUnread?: (detail: { total: number }) => void;
  onError?: (detail: { code?: string; message: string }) => void;
}

const EVENTS = [
  ['parley-ready', 'onReady'],
  ['parley-dialog-open', 'onDialogOpen'],
  ['parley-message-sent', 'onMessageSent'],
  ['parley-unread', 'onUnread'],
  ['parley-error', 'onError'],
] as const;

export function ParleyChat(props: ParleyChatProps) {
  const ref = useRef<ParleyChatElement | null>(null);
  const latest = useRef(props);
  latest.current = props;

  // Properties that are not strings are set on the element, not as attributes.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.getToken = props.getToken;
    el.scope = props.scope;
    el.profile = props.profile;
    el.strings = props.strings;
    el.onClientTool = props.onClientTool;
  }, [props.getToken, props.scope, props.profile, props.strings, props.onClientTool]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listeners = EVENTS.map(([name, prop]) => {
      const fn = (e: Event) => (latest.current[prop] as ((d: unknown) => void) | undefined)?.((e as CustomEvent).detail);
      el.addEventListener(name, fn);
      return () => el.removeEventListener(name, fn);
    });
    return () => {
      for (const off of listeners) off();
    };
  }, []);

  return createElement('parley-chat', {
    ref,
    // React 19 sets these as properties when the element is created; the effect above covers React 18.
    getToken: props.getToken,
    scope: props.scope,
    profile: props.profile,
    strings: props.strings,
    onClientTool: props.onClientTool,
    mode: props.mode ?? 'full',
    'base-url': props.baseUrl,
    'token-url': props.tokenUrl,
    'object-type': props.objectType,
    'object-id': props.objectId,
    'dialog-id': props.dialogId,
    theme: props.theme ?? 'light',
    locale: props.locale,
    className: props.className,
    style: props.style,
  });
}

export default ParleyChat;
export { useChatKit } from './chatkit.js';
export type { UseChatKit, UseChatKitOptions } from './chatkit.js';
