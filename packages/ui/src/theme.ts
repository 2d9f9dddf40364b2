/**
 * @module theme: the theming API. Every color, radius and font is a CSS custom property (`--parley-*`) that a host
 * page may set on the element or any ancestor; `theme="dark"` switches the defaults.
 */
import { css } from 'lit';

/** Light and dark defaults of the theme variables: only on root elements (<parley-chat>, a standalone widget). */
export const themeStyles = css`
  :host {
    --_bg: var(--parley-bg, #ffffff);
    --_surface: var(--parley-surface, #f4f5f7);
    --_fg: var(--parley-fg, #1d2129);
    --_muted: var(--parley-muted, #5c6370);
    --_border: var(--parley-border, #d7dae0);
    --_accent: var(--parley-accent, #1f5fcc);
    --_accent-fg: var(--parley-accent-fg, #ffffff);
    --_own-bubble: var(--parley-own-bubble, #dce8fb);
    --_bubble: var(--parley-bubble, #f1f2f4);
    --_danger: var(--parley-danger, #b3261e);
    --_badge: var(--parley-badge, #c62828);
    --_online: var(--parley-online, #1b7f3b);
    --_focus: var(--parley-focus, #1f5fcc);
    --_radius: var(--parley-radius, 10px);
    --_font: var(--parley-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans SC', sans-serif);
    --_font-size: var(--parley-font-size, 14px);
    color: var(--_fg);
    font-family: var(--_font);
    font-size: var(--_font-size);
    box-sizing: border-box;
  }
  :host([theme='dark']) {
    --_bg: var(--parley-bg, #17181c);
    --_surface: var(--parley-surface, #22242a);
    --_fg: var(--parley-fg, #e8eaed);
    --_muted: var(--parley-muted, #a9afba);
    --_border: var(--parley-border, #3a3d45);
    --_accent: var(--parley-accent, #8ab4f8);
    --_accent-fg: var(--parley-accent-fg, #10131a);
    --_own-bubble: var(--parley-own-bubble, #213556);
    --_bubble: var(--parley-bubble, #2a2d34);
    --_danger: var(--parley-danger, #f28b82);
    --_badge: var(--parley-badge, #e5534b);
    --_online: var(--parley-online, #7ee2a8);
    --_focus: var(--parley-focus, #8ab4f8);
  }
`;

/** The base styles every element includes; they read the theme variables its root element set. */
export const baseStyles = css`
  :host {
    color: var(--_fg);
    font-family: var(--_font);
    font-size: var(--_font-size);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 1px solid transparent;
    border-radius: 6px;
    padding: 4px 8px;
    cursor: pointer;
  }
  button:hover {
    background: var(--_surface);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 6px 8px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .muted {
    color: var(--_muted);
  }
  .badge {
    background: var(--_badge);
    color: #fff;
    border-radius: 999px;
    min-width: 20px;
    padding: 0 6px;
    font-size: 12px;
    line-height: 20px;
    text-align: center;
    font-weight: 600;
  }
`;

export type Theme = 'light' | 'dark';
