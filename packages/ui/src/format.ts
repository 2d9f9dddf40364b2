/** @module format: dates, day separators, file sizes, names, dialog titles, and system messages in the user's language. */
import type { I18n } from './i18n.js';

const LOCALE_TAGS = { en: 'en-GB', ru: 'ru-RU', zh: 'zh-CN' } as const;

export function formatTime(iso: string, i18n: I18n): string {
  return new Date(iso).toLocaleTimeString(LOCALE_TAGS[i18n.locale], { hour: '2-digit', minute: '2-digit' });
}

export function formatDay(iso: string, i18n: I18n): string {
  return new Date(iso).toLocaleDateString(LOCALE_TAGS[i18n.locale], { day: 'numeric', month: 'long', year: 'numeric' });
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** A dialog's title, or its host object (`order 42`) when it has none. */
export function dialogTitle(d: { title?: string | null; object_type: string; object_id: string }): string {
  return d.title ?? `${d.object_type} ${d.object_id}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

/** The visible text of message HTML (previews, reply quotes, aria labels). */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/(p|li|blockquote)>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

interface SystemPayload {
  event?: string;
  name?: string;
  company?: string;
  participants?: { name?: string; company?: string }[];
}

/** A system message's JSON content (MTChat's shapes) as a sentence in the user's language. */
export function systemText(content: string, i18n: I18n): string {
  let payload: SystemPayload;
  try {
    payload = JSON.parse(content) as SystemPayload;
  } catch {
    return i18n.t('sys.unknown');
  }
  const who = (name?: string, company?: string) => {
    const n = name || i18n.t('sys.someone');
    return company ? `${n} (${company})` : n;
  };
  switch (payload.event) {
    case 'chat_created':
      return i18n.t('sys.chat_created', { names: (payload.participants ?? []).map((p) => who(p.name, p.company)).join(', ') });
    case 'participant_joined':
      return i18n.t('sys.participant_joined', { name: who(payload.name, payload.company) });
    case 'participant_left':
      return i18n.t('sys.participant_left', { name: who(payload.name) });
    default:
      return i18n.t('sys.unknown');
  }
}

/** Initials for an avatar. */
export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w));
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}
