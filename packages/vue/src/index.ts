/**
 * @module @parley/vue: <ParleyChat> for Vue 3, a thin wrapper of <parley-chat>. Its props take MTChat's Vue SDK
 * shape (`config`, `mode`, `objectType`, `objectId`, `theme`), so an MTChat app switches by changing its import;
 * `MTChat` is exported as an alias. Events: connected, dialog-selected, message-sent, unread, error.
 */
import { defineComponent, h, type PropType } from 'vue';
import '@parley/ui';
import { fromMTChatConfig, type MTChatConfig } from './config.js';

export { fromMTChatConfig, type MTChatConfig, type ChatElementProps } from './config.js';

export const ParleyChat = defineComponent({
  name: 'ParleyChat',
  props: {
    config: { type: Object as PropType<MTChatConfig>, required: true },
    mode: { type: String as PropType<'full' | 'inline'>, default: 'full' },
    objectType: { type: String, default: undefined },
    objectId: { type: String, default: undefined },
    dialogId: { type: String, default: undefined },
    theme: { type: String as PropType<'light' | 'dark'>, default: undefined },
    locale: { type: String, default: undefined },
  },
  emits: ['connected', 'dialog-selected', 'message-sent', 'unread', 'error'],
  setup(props, { emit }) {
    return () => {
      const p = fromMTChatConfig(props.config);
      return h('parley-chat', {
        mode: props.mode,
        'base-url': p.baseUrl,
        'token-url': p.tokenUrl,
        'object-type': props.objectType,
        'object-id': props.objectId,
        'dialog-id': props.dialogId,
        theme: props.theme ?? p.theme ?? 'light',
        locale: props.locale ?? p.locale,
        '.getToken': p.getToken,
        '.scope': p.scope,
        '.profile': p.profile,
        '.strings': p.strings,
        '.onClientTool': p.onClientTool,
        'onParley-ready': () => emit('connected'),
        'onParley-dialog-open': (e: CustomEvent) => emit('dialog-selected', e.detail),
        'onParley-message-sent': (e: CustomEvent) => emit('message-sent', e.detail),
        'onParley-unread': (e: CustomEvent) => emit('unread', e.detail),
        'onParley-error': (e: CustomEvent) => emit('error', e.detail),
      });
    };
  },
});

/** MTChat's component name, so `import { MTChat } from '@parley/vue'` is the only change an MTChat app makes. */
export const MTChat = ParleyChat;
export default ParleyChat;
