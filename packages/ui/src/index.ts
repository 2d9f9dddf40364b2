/** @module @parley/ui: Parley's chat UI as custom elements. Importing it defines <parley-chat> and its parts (once). */
import { ParleyChat } from './parley-chat.js';
import { ParleyDialogList } from './dialog-list.js';
import { ParleyThread } from './thread.js';
import { ParleyComposer } from './composer.js';
import { ParleyGallery } from './gallery.js';
import { ParleyInfo } from './info-panel.js';
import { ParleyJoinForm } from './join-form.js';
import { ParleyWidget } from './widgets/widget.js';
import { ParleySearchHits } from './search-hits.js';
import { ParleyChatKit } from './chatkit/parley-chatkit.js';

const ELEMENTS: [string, CustomElementConstructor][] = [
  ['parley-chat', ParleyChat],
  ['parley-dialog-list', ParleyDialogList],
  ['parley-thread', ParleyThread],
  ['parley-composer', ParleyComposer],
  ['parley-gallery', ParleyGallery],
  ['parley-info', ParleyInfo],
  ['parley-join-form', ParleyJoinForm],
  ['parley-widget', ParleyWidget],
  ['parley-search-hits', ParleySearchHits],
  ['parley-chatkit', ParleyChatKit],
];
for (const [name, ctor] of ELEMENTS) if (!customElements.get(name)) customElements.define(name, ctor);

export {
  ParleyChat,
  ParleyDialogList,
  ParleyThread,
  ParleyComposer,
  ParleyGallery,
  ParleyInfo,
  ParleyJoinForm,
  ParleyWidget,
  ParleySearchHits,
  ParleyChatKit,
};
export { createI18n, resolveLocale, LOCALES } from './i18n.js';
export type { Locale, Strings, StringKey, I18n } from './i18n.js';
export { cleanHtml } from './sanitize.js';
export { ChatSession } from './session.js';
export type { WidgetNode, ActionConfig, WidgetActionDetail } from './widgets/types.js';
export type { ClientToolCall, ClientToolHandler } from './client-tools.js';
export { createClient } from '@parley/client';
export type { ClientToolCall as ChatKitClientToolCall, OnClientTool } from './chatkit/client-tools.js';
export type { ToolOption, ModelOption } from './chatkit/composer.js';
export type { ChatKitStrings } from './chatkit/strings.js';

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat': ParleyChat;
    'parley-widget': ParleyWidget;
    'parley-chatkit': ParleyChatKit;
  }
}
