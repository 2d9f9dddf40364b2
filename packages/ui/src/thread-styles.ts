/** @module thread-styles: the conversation's look: header, scroller, day and unread separators, jump buttons. */
import { css } from 'lit';

export const threadStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
    background: var(--_bg);
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border);
  }
  header h2 {
    font-size: 16px;
    margin: 0;
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .scroller {
    flex: 1;
    overflow-y: auto;
    padding: 8px 0;
    position: relative;
  }
  .day {
    text-align: center;
    font-size: 12px;
    color: var(--_muted);
    margin: 8px 0;
  }
  .unread-line {
    text-align: center;
    font-size: 12px;
    color: var(--_accent);
    border-top: 1px solid var(--_accent);
    margin: 8px 12px;
  }
  .jump {
    position: sticky;
    bottom: 8px;
    float: right;
    margin-right: 12px;
    background: var(--_accent);
    color: var(--_accent-fg);
    border-radius: 999px;
  }
  .compose-context {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 4px 12px;
    border-top: 1px solid var(--_border);
    font-size: 12px;
    color: var(--_muted);
  }
  .compose-context span {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .empty {
    padding: 24px;
    text-align: center;
    color: var(--_muted);
  }
`;
