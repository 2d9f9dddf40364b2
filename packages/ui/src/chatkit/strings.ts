/** @module chatkit/strings: the strings only <parley-chatkit> shows (en, ru, zh); everything else comes from i18n.ts. */
import { createI18n, resolveLocale, type Locale, type StringKey, type Strings } from '../i18n.js';

const en = {
  'ck.threads': 'Conversations',
  'ck.newThread': 'New conversation',
  'ck.untitled': 'Untitled conversation',
  'ck.rename': 'Rename {title}',
  'ck.renameField': 'New title',
  'ck.delete': 'Delete {title}',
  'ck.noThreads': 'No conversations yet',
  'ck.start': 'Ask anything to start a conversation.',
  'ck.older': 'Show earlier messages',
  'ck.placeholder': 'Message the assistant…',
  'ck.tool': 'Tool',
  'ck.noTool': 'No tool',
  'ck.model': 'Model',
  'ck.feedbackUp': 'Good answer',
  'ck.feedbackDown': 'Bad answer',
  'ck.feedbackThanks': 'Thanks for the feedback',
  'ck.retry': 'Retry',
  'ck.retryLabel': 'Retry this answer',
  'ck.sources': 'Sources',
  'ck.toolCall': 'Tool {name}',
  'ck.toolDone': 'done',
  'ck.toolPending': 'running…',
  'ck.progress': 'Upload of {name}: {percent}%',
  'ck.upload': 'Uploading {name}: {percent}%',
  'ck.workflow': 'Steps',
  'ck.thought': 'Thought for {seconds} s',
  'ck.quote': 'Quoting: {text}',
  'ck.image': 'Generated image',
  'ck.error': 'The assistant could not answer.',
  'ck.assistant': 'Assistant',
};
export type ChatKitStringKey = keyof typeof en;
export type ChatKitStrings = Record<ChatKitStringKey, string>;

const ru: ChatKitStrings = {
  'ck.threads': 'Разговоры',
  'ck.newThread': 'Новый разговор',
  'ck.untitled': 'Разговор без названия',
  'ck.rename': 'Переименовать «{title}»',
  'ck.renameField': 'Новое название',
  'ck.delete': 'Удалить «{title}»',
  'ck.noThreads': 'Разговоров пока нет',
  'ck.start': 'Задайте вопрос, чтобы начать разговор.',
  'ck.older': 'Показать более ранние сообщения',
  'ck.placeholder': 'Сообщение ассистенту…',
  'ck.tool': 'Инструмент',
  'ck.noTool': 'Без инструмента',
  'ck.model': 'Модель',
  'ck.feedbackUp': 'Хороший ответ',
  'ck.feedbackDown': 'Плохой ответ',
  'ck.feedbackThanks': 'Спасибо за отзыв',
  'ck.retry': 'Повторить',
  'ck.retryLabel': 'Повторить этот ответ',
  'ck.sources': 'Источники',
  'ck.toolCall': 'Инструмент {name}',
  'ck.toolDone': 'готово',
  'ck.toolPending': 'выполняется…',
  'ck.progress': 'Загрузка {name}: {percent}%',
  'ck.upload': 'Загружается {name}: {percent}%',
  'ck.workflow': 'Шаги',
  'ck.thought': 'Думал {seconds} с',
  'ck.quote': 'Цитата: {text}',
  'ck.image': 'Сгенерированное изображение',
  'ck.error': 'Ассистент не смог ответить.',
  'ck.assistant': 'Ассистент',
};

const zh: ChatKitStrings = {
  'ck.threads': '对话',
  'ck.newThread': '新对话',
  'ck.untitled': '未命名对话',
  'ck.rename': '重命名“{title}”',
  'ck.renameField': '新标题',
  'ck.delete': '删除“{title}”',
  'ck.noThreads': '还没有对话',
  'ck.start': '提出任何问题即可开始对话。',
  'ck.older': '显示更早的消息',
  'ck.placeholder': '给助手发消息…',
  'ck.tool': '工具',
  'ck.noTool': '不使用工具',
  'ck.model': '模型',
  'ck.feedbackUp': '好的回答',
  'ck.feedbackDown': '不好的回答',
  'ck.feedbackThanks': '感谢您的反馈',
  'ck.retry': '重试',
  'ck.retryLabel': '重试此回答',
  'ck.sources': '来源',
  'ck.toolCall': '工具 {name}',
  'ck.toolDone': '已完成',
  'ck.toolPending': '运行中…',
  'ck.progress': '{name} 上传：{percent}%',
  'ck.upload': '正在上传 {name}：{percent}%',
  'ck.workflow': '步骤',
  'ck.thought': '思考了 {seconds} 秒',
  'ck.quote': '引用：{text}',
  'ck.image': '生成的图片',
  'ck.error': '助手无法回答。',
  'ck.assistant': '助手',
};

const TABLES: Record<Locale, ChatKitStrings> = { en, ru, zh };

export type ChatKitTranslate = (key: ChatKitStringKey | StringKey, params?: Record<string, string | number>) => string;

/** A translator for the element: its own strings, then the shared UI strings, each with the host's overrides. */
export function chatkitI18n(tag: string | null | undefined, overrides: Partial<ChatKitStrings & Strings> = {}) {
  const locale = resolveLocale(tag);
  const shared = createI18n(locale, overrides as Partial<Strings>);
  const own = { ...TABLES[locale], ...overrides } as Record<string, string>;
  const t: ChatKitTranslate = (key, params) => {
    if (!key.startsWith('ck.')) return shared.t(key as StringKey, params);
    const text = own[key] ?? en[key as ChatKitStringKey] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
  return { locale, t };
}
