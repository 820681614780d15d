/** Columns a user can sort the audit log by (all but the message). */
export const SORT_COLUMNS = ['time', 'actor', 'ip', 'action', 'type', 'object', 'result', 'source'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type Sort = { column: SortColumn; dir: 'asc' | 'desc' };
export const DEFAULT_SORT: Sort = { column: 'time', dir: 'desc' };

/**
 * Position in the (sort value, occurred_at, id) order: the boundary row of the neighbouring page.
 * `v` is the sort column's value as text (absent when sorting by time).
 */
export type Cursor = { v?: string; at: Date; id: string };
