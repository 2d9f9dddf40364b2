/**
 * @module chatkit: `useChatKit(options)`, the React face of <parley-chatkit>: the thread state and control methods
 * of the element's ChatKit client, and `element()` to render the element with those options.
 */
import { createElement, useCallback, useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import '@parley/ui';
import type { ChatKit, ChatKitError, ChatKitState, SendInput } from '@parley/chatkit';
import type { ChatKitStrings, ChatKitClientToolCall, ModelOption, ParleyChatKit, Strings, ToolOption } from '@parley/ui';

export interface UseChatKitOptions {
  apiUrl: string;
  /** Hosted mode: a bearer client secret (Parley: a token minted with `chatkit: {agent_id}`). */
  getClientSecret?: (current: string | null) => Promise<string>;
  /** Custom mode: headers sent with every request. */
  headers?: Record<string, string>;
  domainKey?: string;
  locale?: string;
  theme?: 'light' | 'dark';
  /** The thread to open first (null: a new conversation). */
  initialThread?: string | null;
  history?: boolean;
  tools?: ToolOption[];
  models?: ModelOption[];
  strings?: Partial<ChatKitStrings & Strings>;
  onClientTool?: (call: ChatKitClientToolCall) => unknown | Promise<unknown>;
  onReady?: () => void;
  onError?: (detail: { error: ChatKitError }) => void;
  onLog?: (detail: { name: string; data?: Record<string, unknown> }) => void;
  onEffect?: (detail: { name: string; data?: Record<string, unknown> }) => void;
  onResponseStart?: () => void;
  onResponseEnd?: () => void;
  onThreadChange?: (detail: { threadId: string | null }) => void;
  onThreadLoadStart?: (detail: { threadId: string }) => void;
  onThreadLoadEnd?: (detail: { threadId: string }) => void;
  onToolChange?: (detail: { toolId: string | null }) => void;
  onAuthExpired?: () => void;
}

/** `chatkit.x.y` → `onXY`, as chatkit-react names its handlers. */
const HANDLERS = [
  ['chatkit.ready', 'onReady'],
  ['chatkit.error', 'onError'],
  ['chatkit.log', 'onLog'],
  ['chatkit.effect', 'onEffect'],
  ['chatkit.response.start', 'onResponseStart'],
  ['chatkit.response.end', 'onResponseEnd'],
  ['chatkit.thread.change', 'onThreadChange'],
  ['chatkit.thread.load.start', 'onThreadLoadStart'],
  ['chatkit.thread.load.end', 'onThreadLoadEnd'],
  ['chatkit.tool.change', 'onToolChange'],
  ['chatkit.auth.expired', 'onAuthExpired'],
] as const;

export interface UseChatKit {
  /** The thread state (null until the element's client exists). */
  state: ChatKitState | null;
  /** Renders <parley-chatkit> with the hook's options; render it once. */
  element(props?: { className?: string; style?: Record<string, string | number> }): ReactElement;
  sendUserMessage(input: string | SendInput): Promise<void>;
  setThreadId(threadId: string | null): Promise<void>;
  fetchUpdates(): Promise<void>;
  cancel(): void;
  /** The element's headless client, for anything else. */
  readonly chatkit: ChatKit | undefined;
}

export function useChatKit(options: UseChatKitOptions): UseChatKit {
  const ref = useRef<ParleyChatKit | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const [state, setState] = useState<ChatKitState | null>(null);
  // One function for the element's whole life (a new one each render would be a new property each render).
  const secret = useCallback((current: string | null) => latest.current.getClientSecret!(current), []);
  const tool = useCallback((call: ChatKitClientToolCall) => latest.current.onClientTool?.(call), []);
  const hosted = options.getClientSecret !== undefined;
  const answersTools = options.onClientTool !== undefined;

  // Properties that are not strings go on the element itself (before its first update, hence a layout effect);
  // functions are wrapped so the latest ones run.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.getClientSecret = hosted ? secret : undefined;
    el.headers = options.headers;
    el.onClientTool = answersTools ? tool : undefined;
    el.tools = options.tools ?? [];
    el.models = options.models ?? [];
    el.strings = options.strings ?? {};
  }, [hosted, secret, options.headers, answersTools, tool, options.tools, options.models, options.strings]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let offState: (() => void) | undefined;
    let followed: ChatKit | undefined;
    const follow = () => {
      const kit = el.chatkit;
      if (!kit || kit === followed) return;
      offState?.();
      followed = kit;
      setState(kit.state);
      offState = kit.on('chatkit.state', setState);
    };
    follow();
    const listeners = HANDLERS.map(([name, prop]) => {
      const fn = (e: Event) => {
        // Each new client announces itself with chatkit.ready: follow its state from then on.
        if (name === 'chatkit.ready') follow();
        (latest.current[prop] as ((d: unknown) => void) | undefined)?.((e as CustomEvent).detail);
      };
      el.addEventListener(name, fn);
      return () => el.removeEventListener(name, fn);
    });
    return () => {
      offState?.();
      for (const off of listeners) off();
    };
  }, []);

  const element = useCallback(
    (props: { className?: string; style?: Record<string, string | number> } = {}) =>
      createElement('parley-chatkit', {
        ref,
        'api-url': options.apiUrl,
        'domain-key': options.domainKey,
        locale: options.locale,
        theme: options.theme ?? 'light',
        'thread-id': options.initialThread ?? undefined,
        history: options.history === false ? 'off' : 'on',
        // React 19 sets these as properties at creation; the effect above covers React 18.
        getClientSecret: hosted ? secret : undefined,
        ...props,
      }),
    [options.apiUrl, options.domainKey, options.locale, options.theme, options.initialThread, options.history, hosted, secret],
  );

  const kit = () => {
    const k = ref.current?.chatkit;
    if (!k) throw new Error('useChatKit: the element is not connected yet');
    return k;
  };
  return {
    state,
    element,
    sendUserMessage: (input) => (typeof input === 'string' ? ref.current!.sendUserMessage(input) : kit().sendUserMessage(input)),
    setThreadId: (threadId) => kit().setThreadId(threadId),
    fetchUpdates: () => kit().fetchUpdates(),
    cancel: () => ref.current?.chatkit?.cancel(),
    get chatkit() {
      return ref.current?.chatkit;
    },
  };
}
