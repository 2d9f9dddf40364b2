/**
 * @module agents/render: one conversation, two faces. An agent's finished ChatKit item becomes the `content` of
 * an ordinary message for MTChat clients (markdown rendered by `marked`, then the message sanitizer; widgets and
 * other items as a short text fallback), and a person's HTML message becomes plain text for an agent.
 */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { LIMITS, utf8Length, type ThreadItem } from '@parley/protocol';
import { sanitizeContent } from '../security/sanitize.js';
import { escapeAttribute, escapeText } from '../security/html-escape.js';

/** Markdown to safe HTML: `marked` (no raw HTML passes: the sanitizer's allow-list runs after it). */
export function markdownToHtml(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeContent(html.trim());
}

type Node = { type?: string; value?: unknown; label?: unknown; children?: Node[] };

/** The words a widget shows, in order: Text/Title/Caption/Markdown values and Button/Badge labels. */
function widgetWords(node: Node, out: string[] = []): string[] {
  if (typeof node.value === 'string' && node.value.trim()) out.push(node.value.trim());
  else if (typeof node.label === 'string' && node.label.trim()) out.push(node.label.trim());
  for (const c of node.children ?? []) widgetWords(c, out);
  return out;
}

function paragraphs(lines: string[]): string {
  return lines.map((l) => `<p>${escapeText(l)}</p>`).join('');
}

/** What MTChat clients see for a finished item (within the message size limit). */
export function itemFallbackHtml(item: ThreadItem): string {
  let html: string;
  switch (item.type) {
    case 'assistant_message':
      html = markdownToHtml(item.content.map((c) => c.text).join('\n\n'));
      break;
    case 'widget':
      html = item.copy_text ? markdownToHtml(item.copy_text) : paragraphs(widgetWords(item.widget as Node));
      break;
    case 'client_tool_call':
      html = paragraphs([`${item.name} (${item.status})`]);
      break;
    case 'workflow':
      html = paragraphs([`Workflow: ${item.workflow.tasks.length} task(s)`]);
      break;
    case 'task':
      html = paragraphs([String((item.task as { title?: unknown }).title ?? 'Task')]);
      break;
    case 'generated_image': {
      const url = (item as { image?: { url?: string } }).image?.url;
      html = url ? sanitizeContent(`<p><a href="${escapeAttribute(url)}">Image</a></p>`) : paragraphs(['Image']);
      break;
    }
    default:
      html = '';
  }
  if (!html) html = paragraphs(['…']);
  while (utf8Length(html) > LIMITS.messageContentBytes) html = sanitizeContent(html.slice(0, Math.floor(html.length * 0.9)));
  return html;
}

/** A message's HTML as plain text: paragraphs and line breaks become newlines, entities are decoded. */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|li|blockquote|pre)>/gi, '\n');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
