/** @module attachments: how a message's files look: image thumbnails (open the gallery), PDF and other file chips with size and download. */
import { html, css, nothing } from 'lit';
import type { Message } from '@parley/client';
import type { I18n } from './i18n.js';
import { formatSize } from './format.js';
import { icons } from './icons.js';

export type Attachment = NonNullable<Message['attachments']>[number];

export const isImage = (a: Attachment) => a.content_type.startsWith('image/') && a.content_type !== 'image/svg+xml';
export const isPdf = (a: Attachment) => a.content_type === 'application/pdf';

export const attachmentStyles = css`
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 6px;
  }
  .thumb {
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 8px;
    overflow: hidden;
    line-height: 0;
  }
  .thumb img {
    width: 120px;
    height: 90px;
    object-fit: cover;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 4px 8px;
    background: var(--_bg);
    max-width: 100%;
  }
  .chip a,
  .chip button {
    color: var(--_accent);
  }
  .chip .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 180px;
  }
`;

/** Renders the files of a message; `open(index)` opens the viewer at that file (images and PDFs). */
export function renderAttachments(files: Attachment[], i18n: I18n, open: (file: Attachment) => void) {
  if (!files.length) return nothing;
  return html`<div class="files">
    ${files.map((file) =>
      isImage(file)
        ? html`<button class="thumb" @click=${() => open(file)} aria-label=${i18n.t('files.open', { name: file.filename })}>
            <img src=${file.thumbnail_url ?? file.url} alt=${file.filename} loading="lazy" />
          </button>`
        : html`<span class="chip">
            ${icons.file}
            <span class="name">${file.filename}</span>
            <span class="muted">${formatSize(file.size)}</span>
            ${isPdf(file) ? html`<button @click=${() => open(file)} aria-label=${i18n.t('files.open', { name: file.filename })}>${icons.eye}</button>` : nothing}
            <a href=${file.url} download=${file.filename} target="_blank" rel="noopener" aria-label=${i18n.t('files.download', { name: file.filename })}>${icons.download}</a>
          </span>`,
    )}
  </div>`;
}
