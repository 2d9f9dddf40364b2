/** @module composer-styles: the composer's look: toolbar, editor, mention list, upload chips. */
import { css } from 'lit';

export const composerStyles = css`
  :host {
    display: block;
    border-top: 1px solid var(--_border);
    background: var(--_bg);
    position: relative;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 2px;
    padding: 4px 6px 0;
  }
  .toolbar button {
    min-width: 30px;
    padding: 2px 6px;
    font-size: 13px;
  }
  .toolbar button[aria-pressed='true'] {
    background: var(--_surface);
    border-color: var(--_border);
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: 6px;
    padding: 6px;
  }
  .editor-wrap {
    flex: 1;
    position: relative;
    border: 1px solid var(--_border);
    border-radius: 8px;
    min-width: 0;
  }
  .editor {
    max-height: 160px;
    overflow-y: auto;
    padding: 6px 8px;
  }
  .editor .ProseMirror {
    outline: none;
    min-height: 22px;
    white-space: pre-wrap;
    word-break: break-word;
  }
  .editor p {
    margin: 0;
  }
  .editor blockquote {
    border-left: 3px solid var(--_border);
    margin: 0;
    padding-left: 8px;
  }
  .placeholder {
    position: absolute;
    left: 9px;
    top: 7px;
    color: var(--_muted);
    pointer-events: none;
  }
  .mention {
    color: var(--_accent);
    font-weight: 600;
  }
  [role='listbox'] {
    position: absolute;
    bottom: 100%;
    left: 8px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 8px;
    list-style: none;
    margin: 0 0 4px;
    padding: 4px;
    min-width: 180px;
    box-shadow: 0 4px 16px rgba(0, 0, 0, 0.15);
    z-index: 5;
  }
  [role='option'] {
    padding: 6px 8px;
    border-radius: 6px;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--_surface);
  }
  .uploads {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding: 6px 6px 0;
  }
  .upload {
    display: flex;
    align-items: center;
    gap: 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 2px 6px;
    font-size: 12px;
  }
  .upload.failed {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  progress {
    width: 70px;
  }
  :host([dragging]) .editor-wrap {
    outline: 2px dashed var(--_accent);
  }
`;
