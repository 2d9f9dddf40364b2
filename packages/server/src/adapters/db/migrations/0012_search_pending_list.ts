/**
 * @module migrations/0012_search_pending_list: a short pending list for the message search index. A GIN index
 * gathers new entries in a pending list (4 MB by default) that every search reads through in full until it is
 * merged: 390 pages, several milliseconds on each search, after a bulk load. 256 kB keeps that read small while
 * writes still merge into the index in batches.
 */
export const SEARCH_INDEX_OPTIONS = 'ALTER INDEX messages_search_idx SET (gin_pending_list_limit = 256);';

export const up = SEARCH_INDEX_OPTIONS;
