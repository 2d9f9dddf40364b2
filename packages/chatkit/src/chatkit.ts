/** @module chatkit: createChatKit, the headless ChatKit client: requests of chatkit-protocol §2, state, events, client tools. */
import { Emitter } from '@parley/client';
import { type ChatKitAttachment, checkLimits, upload, type UploadInput } from './attachments.js';
import { ChatKitError, safeMessage } from './errors.js';
import type { ChatKitEvents } from './events.js';
import { type ChatKitOptions, isHosted } from './options.js';
import {
  type ChatKitItem,
  type ChatKitState,
  type ChatKitThreadMeta,
  initialState,
  pendingUserMessage,
  reduce,
  widgetActionTypes,
} from './state.js';
import { type StreamEvent, Transport } from './transport.js';

export type UserContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_tag'; id: string; text: string; data?: Record<string, unknown>; group?: string; interactive?: boolean };
export type Page<T> = { data: T[]; has_more: boolean; after?: string };

export interface SendInput {
  text?: string;
  content?: UserContent[];
  attachments?: ChatKitAttachment[];
  quotedText?: string;
  toolChoice?: { id: string } | null;
  model?: string;
  newThread?: boolean;
  metadata?: Record<string, unknown>;
}

export type ChatKit = ReturnType<typeof createChatKit>;

export function createChatKit(options: ChatKitOptions) {
  const events = new Emitter<ChatKitEvents>();
  const log = (name: string, data?: Record<string, unknown>) => events.emit('chatkit.log', { name, ...(data ? { data } : {}) });
  let authDown = false;
  const transport = new Transport(options, log, (ok) => {
    if (!ok && !authDown) events.emit('chatkit.auth.expired', undefined);
    authDown = !ok;
  });
  let state = initialState();
  let active: AbortController | null = null;
  let loading = false;
  let toolId: string | null = null;

  const set = (next: ChatKitState) => {
    state = Object.freeze(next);
    events.emit('chatkit.state', state);
  };
  /** Emits chatkit.error (never for a cancel) and returns the error. */
  const report = (err: unknown): ChatKitError => {
    const error = err instanceof ChatKitError ? err : new ChatKitError('client', safeMessage(undefined, false));
    if (error.code !== 'cancelled') events.emit('chatkit.error', { error });
    if (error.code === 'stale_client') queueMicrotask(() => void handshake());
    return error;
  };

  /** The stale-client handshake: a notice, then the open thread reloaded from the server. */
  async function handshake(): Promise<void> {
    log('transport.handshake.start');
    const notice = { level: 'warning', message: 'This conversation changed elsewhere and was reloaded.' };
    set({ ...state, notices: [...state.notices, notice] });
    if (state.threadId && !active && !loading) await api.fetchUpdates().catch(() => {});
    log('transport.handshake.complete');
  }
  const fail = (err: unknown): never => {
    throw report(err);
  };
  const idle = () => {
    if (active) throw new ChatKitError('busy.streaming', 'A response is still streaming.');
    if (loading) throw new ChatKitError('busy.loading', 'A thread is loading.');
  };

  function apply(e: StreamEvent): void {
    let next: ChatKitState;
    try {
      next = reduce(state, e);
    } catch {
      log('stream.update.rejected', { type: e.type });
      return;
    }
    const before = state.threadId;
    set(next);
    if (e.type === 'thread.created' && before !== next.threadId) events.emit('chatkit.thread.change', { threadId: next.threadId });
    if (e.type === 'client_effect') events.emit('chatkit.effect', { name: String(e.name), ...(e.data ? { data: e.data } : {}) });
    if (e.type === 'error')
      events.emit('chatkit.error', {
        error: new ChatKitError(e.code ?? 'custom', safeMessage(e.message, e.code === 'custom' || e.code === undefined), {
          allowRetry: e.allow_retry === true,
        }),
      });
    events.emit('chatkit.stream.event', e);
  }

  /** Runs one streaming request as the active response; a pending client tool call at the end is answered. */
  async function stream(type: string, params: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<void> {
    const controller = new AbortController();
    active = controller;
    set({ ...state, streaming: true, error: null, progress: null });
    events.emit('chatkit.response.start', undefined);
    let toolCall: ChatKitItem | null = null;
    const before = state;
    try {
      await transport.stream(
        type,
        params,
        metadata,
        controller.signal,
        (e) => {
          apply(e);
          if (e.type === 'thread.item.done' && e.item?.type === 'client_tool_call' && e.item.status === 'pending') toolCall = e.item;
        },
        // An idempotent retry replays the response from its start: rewind to the state the request began with.
        () => {
          toolCall = null;
          set({ ...before, streaming: true });
        },
      );
    } catch (err) {
      set({ ...state, items: state.items.filter((i) => !i.pending) });
      fail(err);
    } finally {
      active = null;
      set({ ...state, streaming: false, allowCancel: false, progress: null });
      events.emit('chatkit.response.end', undefined);
    }
    if (toolCall) await runClientTool(toolCall);
  }

  async function runClientTool(item: ChatKitItem): Promise<void> {
    const threadId = state.threadId!;
    const tool = options.clientTools?.[item.name];
    let args: unknown;
    try {
      if (!tool) throw new ChatKitError('client_tool', `No client tool named ${JSON.stringify(String(item.name)).slice(0, 80)}.`);
      try {
        args = tool.schema.parse(item.arguments);
      } catch {
        throw new ChatKitError('client_tool', `The arguments of ${item.name} were rejected.`);
      }
    } catch (err) {
      events.emit('chatkit.tool.call', { item, ok: false });
      return void report(err);
    }
    let result: unknown;
    try {
      result = await tool.handler(args, { name: item.name, callId: item.call_id, threadId });
    } catch {
      events.emit('chatkit.tool.call', { item, ok: false });
      return void report(new ChatKitError('client_tool', `The client tool ${item.name} failed.`));
    }
    events.emit('chatkit.tool.call', { item, ok: true });
    // The server marks the call completed without an event (chatkit-python does it silently): so does the client.
    const done = { ...item, status: 'completed', output: result ?? {} };
    set({ ...state, items: state.items.map((i) => (i.id === item.id ? done : i)) });
    await stream('threads.add_client_tool_output', { thread_id: threadId, result: result ?? {} });
  }

  const requireThread = (): string => {
    if (!state.threadId) throw new ChatKitError('no_thread', 'No thread is open.');
    return state.threadId;
  };
  const json = <T>(type: string, params: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    transport.json<T>(type, params, metadata).catch(fail);

  const api = {
    events,
    on: events.on.bind(events) as typeof events.on,
    get state(): ChatKitState {
      return state;
    },
    get hosted(): boolean {
      return isHosted(options.api);
    },

    // Threads
    listThreads: (p: { limit?: number; order?: 'asc' | 'desc'; after?: string } = {}) =>
      json<Page<ChatKitThreadMeta>>('threads.list', { order: 'desc', ...p }),
    async setThreadId(threadId: string | null): Promise<void> {
      idle();
      if (threadId === null) {
        set({ ...initialState() });
        events.emit('chatkit.thread.change', { threadId: null });
        return;
      }
      loading = true;
      events.emit('chatkit.thread.load.start', { threadId });
      try {
        const thread = await json<ChatKitThreadMeta & { items: Page<ChatKitItem> }>('threads.get_by_id', { thread_id: threadId });
        const { items, ...meta } = thread;
        // get_by_id gives the first page oldest first; what follows comes through loadNewer().
        set({ ...initialState(), threadId, thread: meta, items: items.data });
      } finally {
        loading = false;
        events.emit('chatkit.thread.load.end', { threadId });
      }
      events.emit('chatkit.thread.change', { threadId });
    },
    /** Reloads the open thread from the server. */
    async fetchUpdates(): Promise<void> {
      const threadId = requireThread();
      const notices = state.notices;
      await api.setThreadId(threadId);
      set({ ...state, notices });
    },
    async renameThread(threadId: string, title: string) {
      const thread = await json<ChatKitThreadMeta>('threads.update', { thread_id: threadId, title });
      if (threadId === state.threadId) set({ ...state, thread: { ...state.thread, ...thread, id: threadId } });
      return thread;
    },
    async deleteThread(threadId: string): Promise<void> {
      await json('threads.delete', { thread_id: threadId });
      if (threadId === state.threadId) {
        set(initialState());
        events.emit('chatkit.thread.change', { threadId: null });
      }
    },

    // Items, both ways
    listItems: (p: { threadId: string; limit?: number; order?: 'asc' | 'desc'; after?: string }) =>
      json<Page<ChatKitItem>>('items.list', {
        thread_id: p.threadId,
        order: p.order ?? 'desc',
        ...(p.limit ? { limit: p.limit } : {}),
        ...(p.after ? { after: p.after } : {}),
      }),
    /** Shows the newest page of the open thread (what a chat view opens on); true when older items exist. */
    async loadLatest(limit = 20): Promise<boolean> {
      const threadId = requireThread();
      const page = await api.listItems({ threadId, order: 'desc', limit });
      if (state.threadId !== threadId || active) return page.has_more;
      set({ ...state, items: [...page.data].reverse() });
      return page.has_more;
    },
    /** Prepends the page of items before the oldest one shown; false when there is none. */
    async loadOlder(limit = 20): Promise<boolean> {
      const threadId = requireThread();
      const oldest = state.items.find((i) => !i.pending);
      const page = await api.listItems({ threadId, order: 'desc', limit, ...(oldest ? { after: oldest.id } : {}) });
      const known = new Set(state.items.map((i) => i.id));
      set({ ...state, items: [...page.data.filter((i) => !known.has(i.id)).reverse(), ...state.items] });
      return page.has_more;
    },
    /** Appends the page of items after the newest one shown; false when there is none. */
    async loadNewer(limit = 20): Promise<boolean> {
      const threadId = requireThread();
      const newest = [...state.items].reverse().find((i) => !i.pending);
      const page = await api.listItems({ threadId, order: 'asc', limit, ...(newest ? { after: newest.id } : {}) });
      const known = new Set(state.items.map((i) => i.id));
      set({ ...state, items: [...state.items, ...page.data.filter((i) => !known.has(i.id))] });
      return page.has_more;
    },

    // Sending
    async sendUserMessage(input: SendInput): Promise<void> {
      idle();
      const content: UserContent[] = [
        ...(input.content ?? []),
        ...(input.text !== undefined ? [{ type: 'input_text' as const, text: input.text }] : []),
      ];
      const attachments = input.attachments ?? [];
      checkCount(attachments.length);
      const inference: Record<string, unknown> = {};
      const tool = input.toolChoice === undefined ? toolId : (input.toolChoice?.id ?? null);
      if (tool) inference.tool_choice = { id: tool };
      if (input.model) inference.model = input.model;
      const userInput = {
        content,
        attachments: attachments.map((a) => a.id),
        inference_options: inference,
        ...(input.quotedText ? { quoted_text: input.quotedText } : {}),
      };
      const newThread = input.newThread || !state.threadId;
      if (newThread && state.threadId) {
        set(initialState());
        events.emit('chatkit.thread.change', { threadId: null });
      }
      set({ ...state, items: [...state.items, pendingUserMessage(state.threadId, content, attachments)] });
      if (newThread) await stream('threads.create', { input: userInput }, input.metadata);
      else await stream('threads.add_user_message', { thread_id: state.threadId, input: userInput }, input.metadata);
    },
    /** Re-runs the answer to a user message: later items are dropped here first (chatkit-python does not announce it). */
    async retryAfterItem(itemId: string): Promise<void> {
      idle();
      const threadId = requireThread();
      const at = state.items.findIndex((i) => i.id === itemId);
      if (at >= 0) set({ ...state, items: state.items.slice(0, at + 1) });
      await stream('threads.retry_after_item', { thread_id: threadId, item_id: itemId });
    },
    submitFeedback: (itemIds: string[], kind: 'positive' | 'negative') =>
      json('items.feedback', { thread_id: requireThread(), item_ids: itemIds, kind }),
    /** Sends a widget action; only an action type the server put in that widget item is sent. */
    async sendCustomAction(
      action: { type: string; payload?: unknown; handler?: 'client' | 'server'; streaming?: boolean },
      itemId?: string,
    ): Promise<ChatKitItem | null> {
      const threadId = requireThread();
      let sender: ChatKitItem | undefined;
      if (itemId !== undefined) {
        sender = state.items.find((i) => i.id === itemId);
        if (sender?.type !== 'widget' || sender.pending)
          return fail(new ChatKitError('action.rejected', 'That action does not come from a widget of this thread.'));
        if (!widgetActionTypes(sender.widget).has(action.type))
          fail(new ChatKitError('action.rejected', 'That widget does not offer this action.'));
      }
      log('action.send', { type: action.type });
      if (action.handler === 'client') {
        await options.widgets?.onAction?.(
          { type: action.type, ...(action.payload !== undefined ? { payload: action.payload } : {}) },
          sender ?? { id: '', type: 'none' },
        );
        return null;
      }
      const params = {
        thread_id: threadId,
        ...(itemId ? { item_id: itemId } : {}),
        action: { type: action.type, ...(action.payload !== undefined ? { payload: action.payload } : {}) },
      };
      if (action.streaming === false) {
        const res = await json<{ updated_item?: ChatKitItem }>('threads.sync_custom_action', params);
        if (res.updated_item) set({ ...state, items: state.items.map((i) => (i.id === res.updated_item!.id ? res.updated_item! : i)) });
        return res.updated_item ?? null;
      }
      idle();
      await stream('threads.custom_action', params);
      return null;
    },
    async submitStructuredInput(
      itemId: string,
      input: { status?: 'answered' | 'skipped'; answers: Record<string, { values: string[]; skipped?: boolean }> },
    ): Promise<void> {
      idle();
      await stream('threads.add_structured_input', {
        thread_id: requireThread(),
        item_id: itemId,
        input: { status: input.status ?? 'answered', answers: input.answers },
      });
    },
    /** Audio → text through the host's transcriber, or the server's `input.transcribe`. */
    async transcribe(audio: { base64: string; mimeType: string }): Promise<string> {
      if (options.transcribe) return options.transcribe(audio);
      const res = await json<{ text: string }>('input.transcribe', { audio_base64: audio.base64, mime_type: audio.mimeType });
      return res.text;
    },
    setTool(id: string | null): void {
      toolId = id;
      events.emit('chatkit.tool.change', { toolId: id });
    },
    /** Stops the streaming response by closing its connection (the server cancels on disconnect). */
    cancel(): void {
      active?.abort();
    },

    // Attachments
    async uploadAttachment(input: UploadInput, alreadyAttached = 0): Promise<ChatKitAttachment> {
      checkLimits(
        options.attachments ?? {},
        { name: input.name, mimeType: input.mimeType, size: input.data instanceof Uint8Array ? input.data.byteLength : input.data.size },
        alreadyAttached,
      );
      const strategy = isHosted(options.api)
        ? { type: 'two_phase' as const }
        : (options.api.uploadStrategy ?? { type: 'two_phase' as const });
      log('attachments.upload.start', {
        mime_type: input.mimeType,
        size: input.data instanceof Uint8Array ? input.data.byteLength : input.data.size,
      });
      try {
        const attachment = await upload(transport, strategy, input);
        log('attachments.upload.complete', { id: attachment.id });
        return attachment;
      } catch (err) {
        log('attachments.upload.error', { code: err instanceof ChatKitError ? err.code : 'unknown' });
        return fail(err);
      }
    },
    deleteAttachment: (attachmentId: string) => json('attachments.delete', { attachment_id: attachmentId }),

    dispose(): void {
      active?.abort();
      events.clear();
    },
  };
  const checkCount = (n: number) => {
    const max = options.attachments?.maxCount ?? 10;
    if (n > max) throw new ChatKitError('attachment.rejected', `At most ${max} attachments per message.`);
  };
  queueMicrotask(() => events.emit('chatkit.ready', undefined));
  return api;
}
