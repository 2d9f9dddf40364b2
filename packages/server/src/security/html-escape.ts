/** @module security/html-escape: the one way Parley escapes plain text into HTML, for text nodes and for attribute values. */

/** Escapes text for an HTML text node, as the server's sanitizer writes text, so the result passes through it unchanged. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a quoted HTML attribute value (either quote style). */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
