/** @module list-styles: the look of a list of picked rows (the dialogs, the search hits): one button per row, title and meta. */
import { css } from 'lit';

export const rowListStyles = css`
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li button {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 2px 8px;
    width: 100%;
    text-align: left;
    border-radius: 0;
    padding: 10px 12px;
    border-bottom: 1px solid var(--_border);
  }
  .title {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .meta {
    color: var(--_muted);
    font-size: 12px;
  }
`;
