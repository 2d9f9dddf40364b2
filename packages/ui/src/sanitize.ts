/**
 * @module sanitize: every piece of HTML the UI renders goes through DOMPurify here first, on top of the server's
 * own sanitizer. Links open in a new tab without an opener.
 */
import DOMPurify from 'dompurify';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

const ALLOWED_TAGS = [
  'p',
  'br',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'del',
  'ul',
  'ol',
  'li',
  'blockquote',
  'code',
  'pre',
  'a',
  'span',
];
const ALLOWED_ATTR = ['href', 'title', 'data-type', 'data-id', 'data-label', 'data-mention', 'class'];

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/** The cleaned HTML string (for tests and for anything that is not a Lit template). */
export function cleanHtml(html: string): string {
  hook();
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:|#)/i, ADD_ATTR: ['target'] });
}

/** A search hit's snippet (escaped text with the matches in `<mark>`): DOMPurify keeps `<mark>` and nothing else. */
export function safeSnippet(html: string) {
  return unsafeHTML(DOMPurify.sanitize(html, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [] }));
}

/** A Lit directive that renders message HTML after DOMPurify. */
export function safeHtml(html: string) {
  return unsafeHTML(cleanHtml(html));
}
