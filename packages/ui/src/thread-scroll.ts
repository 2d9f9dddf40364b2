/** @module thread-scroll: where a thread's scroller stands and how it moves: near the bottom, to the bottom, to a message. */

/** Within 80 px of the bottom (or nothing to scroll): new messages keep the view at the bottom. */
export function nearBottom(scroller: HTMLElement | null): boolean {
  return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
}

export function scrollToBottom(scroller: HTMLElement | null): void {
  if (scroller) scroller.scrollTop = scroller.scrollHeight;
}

/** Brings a rendered message to the middle of the view, flashing it when it was jumped to. */
export function scrollToMessage(root: ParentNode, id: string, flash = true): void {
  const el = root.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  if (flash) {
    el.classList.add('highlight');
    setTimeout(() => el.classList.remove('highlight'), 1500);
  }
}
