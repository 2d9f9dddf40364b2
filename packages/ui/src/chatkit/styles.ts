/** @module chatkit/styles: the layout of <parley-chatkit> (thread list, thread, composer), on the shared theme variables. */
import { css } from 'lit';

export const chatkitStyles = css`
  :host {
    display: block;
    height: 100%;
    min-height: 320px;
    background: var(--_bg);
  }
  button {
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 4px 10px;
    cursor: pointer;
  }
  button:focus-visible,
  textarea:focus-visible,
  select:focus-visible,
  input:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  button.primary {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: transparent;
  }
  button.icon {
    padding: 4px 6px;
    display: inline-flex;
    align-items: center;
  }
  button[disabled] {
    opacity: 0.55;
    cursor: default;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(180px, 240px) 1fr;
    height: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([history='off']) .layout {
    grid-template-columns: 1fr;
  }
  nav {
    border-right: 1px solid var(--_border);
    background: var(--_surface);
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  nav h2,
  main h2 {
    font-size: 15px;
    margin: 0;
    padding: 10px 12px;
  }
  nav ul {
    list-style: none;
    margin: 0;
    padding: 0 6px 6px;
    overflow-y: auto;
  }
  nav li {
    display: flex;
    align-items: center;
    gap: 2px;
    border-radius: 6px;
  }
  nav li[aria-current='true'] {
    background: var(--_bg);
  }
  nav li .open {
    flex: 1;
    text-align: left;
    border: none;
    background: none;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  nav li .tiny {
    border: none;
    background: none;
    font-size: 12px;
    padding: 2px 4px;
    color: var(--_muted);
  }
  nav .new {
    margin: 0 12px 8px;
  }
  nav .empty,
  .start {
    color: var(--_muted);
    padding: 8px 12px;
  }
  main {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
  }
  main h2 {
    border-bottom: 1px solid var(--_border);
  }
  .scroller {
    flex: 1;
    overflow-y: auto;
    padding: 12px;
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .item {
    display: flex;
    flex-direction: column;
    max-width: 85%;
    align-self: flex-start;
  }
  .item.user {
    align-self: flex-end;
  }
  .bubble {
    background: var(--_bubble);
    border-radius: var(--_radius);
    padding: 8px 12px;
    overflow-wrap: anywhere;
  }
  .item.user .bubble {
    background: var(--_own-bubble);
  }
  .item.pending .bubble {
    opacity: 0.7;
  }
  .content p {
    margin: 0 0 6px;
  }
  .content > :last-child {
    margin-bottom: 0;
  }
  .item.streaming .content > :last-child::after,
  .item.streaming .content:empty::after {
    content: '▍';
    color: var(--_muted);
  }
  .muted,
  .meta {
    color: var(--_muted);
    font-size: 12px;
  }
  .quote {
    border-left: 3px solid var(--_border);
    padding-left: 6px;
    color: var(--_muted);
  }
  .sources {
    margin-top: 6px;
    font-size: 12px;
  }
  .sources ol {
    margin: 2px 0 0;
    padding-left: 18px;
  }
  .item-actions {
    display: flex;
    gap: 4px;
    margin-top: 2px;
  }
  .item-actions button {
    border: none;
    background: none;
    padding: 2px 6px;
    color: var(--_muted);
  }
  .item-actions button[aria-pressed='true'] {
    color: var(--_accent);
  }
  details.workflow {
    background: var(--_surface);
    border-radius: var(--_radius);
    padding: 6px 10px;
  }
  .task {
    display: flex;
    gap: 6px;
    align-items: baseline;
  }
  .task .state {
    width: 1em;
    text-align: center;
  }
  .bar {
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 4px 12px;
  }
  .bar .row {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 13px;
  }
  .bar .row .grow {
    flex: 1;
  }
  .bar .error .grow {
    color: var(--_danger);
  }
  .composer {
    border-top: 1px solid var(--_border);
    padding: 8px 12px;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .composer .line {
    display: flex;
    gap: 6px;
    align-items: flex-end;
  }
  textarea {
    flex: 1;
    resize: none;
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 6px 8px;
    min-height: 38px;
    max-height: 160px;
  }
  select {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 2px 4px;
  }
  .uploads {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .upload {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    background: var(--_surface);
    border-radius: 6px;
    padding: 2px 6px;
  }
  .upload progress {
    width: 80px;
  }
  .upload.failed {
    color: var(--_danger);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (max-width: 600px) {
    .layout {
      grid-template-columns: 1fr;
    }
    nav {
      display: none;
    }
  }
`;
