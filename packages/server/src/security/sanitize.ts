/**
 * @module security/sanitize: message HTML through an allow-list (sanitize-html), following MTChat's policy:
 * a few formatting tags, http(s) or relative links only, rel="noopener noreferrer" on every link, and only the
 * class names the editor uses (`mention`, `language-*`).
 */
import sanitizeHtml from 'sanitize-html';
import { LIMITS, utf8Length } from '@parley/protocol';
import { AppError } from '../errors.js';

const GLOBAL_ATTRS = ['lang', 'title'];

const POLICY: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'span'],
  allowedAttributes: {
    '*': GLOBAL_ATTRS,
    a: ['href', 'target', 'rel'],
    span: ['data-type', 'data-id', 'data-label', 'data-mention', 'class'],
    code: ['class'],
    pre: ['class'],
  },
  // Class names are allow-listed too: any other class could restyle the host page the message is shown in.
  allowedClasses: { span: ['mention'], code: ['language-*'], pre: ['language-*'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template', 'iframe', 'noembed', 'noframes', 'xmp'],
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
  },
};

/** Returns HTML that is safe to render: nothing executable survives. Plain text is entity-encoded. */
export function sanitizeContent(input: string): string {
  // Plain text with nothing to encode comes out as it went in: skip the parser (most messages are plain text).
  if (!PLAIN_NEEDS_WORK.test(input)) return input;
  return sanitizeMarkup(input);
}

/**
 * Message content as it will be stored, served, and put in events and webhooks: sanitized, then held to the
 * content limit (the sanitizer can grow its input, e.g. `rel` on every link, so the request's size is not enough).
 */
export function storedMessageContent(input: string): string {
  const html = sanitizeContent(input);
  if (utf8Length(html) > LIMITS.messageContentBytes) {
    throw new AppError('INVALID_INPUT', `Message content exceeds maximum length of ${LIMITS.messageContentBytes} bytes once sanitized`);
  }
  return html;
}

/** The allow-list pass itself (exported so a test can prove the plain-text shortcut changes nothing). */
export function sanitizeMarkup(input: string): string {
  return sanitizeHtml(input, POLICY);
}

/** What the sanitizer would change in plain text: markup, entities, and the characters it escapes or drops. */
const PLAIN_NEEDS_WORK = /[<>&"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00a0\ud800-\udfff\ufeff]/;
