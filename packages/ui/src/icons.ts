/** @module icons: the few icons the UI draws, as inline SVG (no icon font, no emoji font needed). */
import { svg } from 'lit';

const icon = (body: ReturnType<typeof svg>) =>
  svg`<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const icons = {
  info: icon(
    svg`<circle cx="12" cy="12" r="9"></circle><line x1="12" y1="11" x2="12" y2="16"></line><line x1="12" y1="8" x2="12" y2="8"></line>`,
  ),
  link: icon(
    svg`<path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"></path><path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"></path>`,
  ),
  attach: icon(svg`<path d="M21 12l-8.5 8.5a5 5 0 0 1-7-7L14 5a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 8"></path>`),
  send: icon(svg`<path d="M4 12l16-8-6 16-3-7z"></path>`),
  pin: icon(svg`<path d="M9 4h6l-1 6 3 3H7l3-3z"></path><line x1="12" y1="13" x2="12" y2="20"></line>`),
  back: icon(svg`<polyline points="15 5 8 12 15 19"></polyline>`),
  close: icon(svg`<line x1="6" y1="6" x2="18" y2="18"></line><line x1="18" y1="6" x2="6" y2="18"></line>`),
  file: icon(svg`<path d="M14 3H6v18h12V7z"></path><polyline points="14 3 14 7 18 7"></polyline>`),
  download: icon(
    svg`<path d="M12 4v12"></path><polyline points="7 11 12 16 17 11"></polyline><line x1="5" y1="20" x2="19" y2="20"></line>`,
  ),
  eye: icon(svg`<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"></path><circle cx="12" cy="12" r="3"></circle>`),
  clock: icon(svg`<circle cx="12" cy="12" r="9"></circle><polyline points="12 7 12 12 15 14"></polyline>`),
  stop: icon(svg`<rect x="6" y="6" width="12" height="12" rx="2"></rect>`),
};
