'use client';

import { use, useEffect, useMemo, type CSSProperties } from 'react';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type VisibilityState } from '@tanstack/react-table';
import type { AuditListRow } from '@/db/queries/audit-events';
import { Table, TABLE_CELL_CLASS, TABLE_ROW_CLASS, TableBody, TableCell, TableHead, TableHeader } from '@/components/ui/table';
import { cn } from '@/lib/utils';
import type { Cursor } from '@/lib/view/cursor';
import { COLUMNS, DEFAULT_COLUMNS, hrefWith, SORT_COLUMNS, visibleColumns, type AuditViewState, type Column, type SortColumn } from '@/lib/view/search-params';
import { formatInZone } from '@/lib/format/time-zone';
import { ActionPill } from './action-pill';
import { ChangeList, ChangeSummary } from './change-summary';
import { useLiveTail } from './live-tail';
import { SnapshotPair } from './snapshot-pair';
import { Pagination } from './pagination';
import { offersWiderRange } from './range-widening';
import { restoreRowFocus } from './return-focus';
import { PendingRegion, RowLink, useViewPush, ViewLink } from './view-pending';
import { COLUMN_LABELS } from './view-toolbar';

export type AuditPage = { rows: AuditListRow[]; next: Cursor | null; prev: Cursor | null };

const col = createColumnHelper<AuditListRow>();
const ACTOR_KIND: Record<AuditListRow['actorType'], string | null> = { user: null, api_key: 'API key', system: 'System' };
const isSortable = (c: string): c is SortColumn => (SORT_COLUMNS as readonly string[]).includes(c);

/**
 * Per column: a fixed width in rem from md up (the message takes what is left, so every default column fits 1280 px;
 * with more columns chosen the table keeps the message 18rem and scrolls inside its box),
 * and its place in the phone card (the row becomes a wrapping flex box: time and result, actor, what, message).
 */
const LAYOUT: Record<Column, { width: number | null; card: string }> = {
  time: { width: 10, card: 'max-md:order-1 max-md:flex-1' },
  actor: { width: 11, card: 'max-md:order-3 max-md:basis-full max-md:font-medium' },
  actor_id: { width: 8, card: 'max-md:order-8 max-md:text-xs' },
  ip: { width: 8, card: 'max-md:order-8 max-md:text-zinc-600 dark:max-md:text-zinc-400' },
  action: { width: 7.5, card: 'max-md:order-4' },
  type: { width: 7.5, card: 'max-md:order-5 max-md:text-xs' },
  object: { width: 7, card: 'max-md:order-6 max-md:min-w-0 max-md:flex-1' },
  module: { width: 7, card: 'max-md:order-6 max-md:text-xs' },
  project: { width: 7, card: 'max-md:order-6 max-md:text-xs' },
  message: { width: null, card: 'max-md:order-7 max-md:basis-full' },
  changes: { width: 16, card: 'max-md:order-7 max-md:basis-full' },
  data: { width: 16, card: 'max-md:order-7 max-md:basis-full' },
  result: { width: 5.5, card: 'max-md:order-2' },
  source: { width: 5.5, card: 'max-md:order-9' },
  request_id: { width: 9, card: 'max-md:order-9 max-md:text-xs' },
};

/** With more than the default columns, a floor under the table's width (the message keeps 16rem); it then scrolls in its box. */
function tableMinWidth(visible: Column[]): CSSProperties | undefined {
  if (visible.every((c) => DEFAULT_COLUMNS.includes(c))) return undefined;
  return { '--table-min': `${visible.reduce((sum, c) => sum + (LAYOUT[c].width ?? 16), 0) + 1}rem` } as CSSProperties;
}

// A row's and each column's cell classes, merged once here rather than for every cell of every page (50 rows × the
// visible columns): the same class strings TableRow and TableCell would build.
const ROW_CLASS = cn(
  TABLE_ROW_CLASS,
  'cursor-pointer max-md:flex max-md:flex-wrap max-md:items-baseline max-md:gap-x-2 max-md:gap-y-1 max-md:px-3 max-md:py-3',
);
const CELL_CLASS = Object.fromEntries(
  Object.entries(LAYOUT).map(([c, { card }]) => [c, cn(TABLE_CELL_CLASS, 'px-2', card, 'max-md:min-w-0 max-md:max-w-full max-md:p-0')]),
) as Record<Column, string>;

const colWidth = (rem: number | null) => (rem === null ? undefined : ({ '--col-w': `${rem}rem` } as CSSProperties));

/** A short text cell: one line, the full value on hover, a dash when empty. */
function TextCell({ value, mono }: { value: string | null; mono?: boolean }) {
  if (!value) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <span className={cn('block truncate whitespace-nowrap', mono && 'font-mono text-xs')} title={value}>
      {value}
    </span>
  );
}

function columns(state: AuditViewState, timeZone: string, changesColumn: boolean) {
  const detailHref = (id: string) => hrefWith(state, { event: id, after: state.after, before: state.before });
  return [
    col.accessor('occurredAt', {
      id: 'time',
      // Never prefetched (RowLink is a plain anchor): two links a row would cost a hundred server renders a page view.
      cell: (c) => (
        <RowLink
          href={detailHref(c.row.original.id)}
          className="whitespace-nowrap font-mono text-xs tabular-nums hover:underline"
          title={c.getValue().toISOString()}
        >
          <time dateTime={c.getValue().toISOString()}>{formatInZone(c.getValue(), timeZone)}</time>
        </RowLink>
      ),
    }),
    col.accessor('actorLabel', {
      id: 'actor',
      cell: (c) => {
        const kind = ACTOR_KIND[c.row.original.actorType];
        return (
          <span className="flex min-w-0 items-center gap-1.5 whitespace-nowrap">
            <span className="min-w-0 truncate" title={c.getValue()}>
              {c.getValue()}
            </span>
            {kind ? (
              <span className="shrink-0 rounded border border-zinc-300 px-1 text-[10px] uppercase text-zinc-600 dark:border-zinc-600 dark:text-zinc-300">
                {kind}
              </span>
            ) : null}
          </span>
        );
      },
    }),
    col.accessor('actorId', { id: 'actor_id', cell: (c) => <TextCell value={c.getValue()} mono /> }),
    col.accessor('ip', {
      id: 'ip',
      cell: (c) => (
        <span className="block truncate whitespace-nowrap font-mono text-xs" title={c.getValue() ?? undefined}>
          {c.getValue() ?? '—'}
        </span>
      ),
    }),
    col.accessor('action', { id: 'action', cell: (c) => <ActionPill action={c.getValue()} /> }),
    col.accessor('objectType', {
      id: 'type',
      cell: (c) => (
        <span className="block truncate whitespace-nowrap" title={c.getValue()}>
          {c.getValue()}
        </span>
      ),
    }),
    col.accessor('objectId', {
      id: 'object',
      cell: (c) => {
        const id = c.getValue();
        if (!id) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
        const history = hrefWith(state, {
          filters: { ...state.filters, objectId: id, include: { ...state.filters.include, type: [c.row.original.objectType] } },
        });
        return (
          <RowLink
            href={history}
            onClick={(e) => e.stopPropagation()}
            className="block truncate font-mono text-xs text-sky-700 hover:underline dark:text-sky-400"
            title={`All events for ${c.row.original.objectType} ${id}`}
          >
            {id}
          </RowLink>
        );
      },
    }),
    col.accessor('module', { id: 'module', cell: (c) => <TextCell value={c.getValue()} /> }),
    col.accessor('project', { id: 'project', cell: (c) => <TextCell value={c.getValue()} /> }),
    col.accessor('message', {
      id: 'message',
      cell: (c) => (
        <div className="min-w-0">
          {/* Two lines at most; the full text on hover and in the detail. */}
          <span className="line-clamp-2 break-words" title={c.getValue()}>
            {c.getValue()}
          </span>
          {c.row.original.errorMessage ? <span className="block text-xs text-red-700 dark:text-red-400">{c.row.original.errorMessage}</span> : null}
          {changesColumn ? null : <ChangeSummary changes={c.row.original.changes} />}
        </div>
      ),
    }),
    col.accessor('changes', { id: 'changes', cell: (c) => <ChangeList changes={c.getValue()} /> }),
    col.display({ id: 'data', cell: (c) => <SnapshotPair before={c.row.original.before} after={c.row.original.after} /> }),
    col.accessor('result', {
      id: 'result',
      cell: (c) =>
        c.getValue() === 'success' ? (
          <span className="text-emerald-700 dark:text-emerald-400">success</span>
        ) : (
          <span className="font-medium text-red-700 dark:text-red-400">failure</span>
        ),
    }),
    col.accessor('source', { id: 'source', cell: (c) => <span className="text-xs uppercase text-zinc-600 dark:text-zinc-400">{c.getValue()}</span> }),
    col.accessor('requestId', { id: 'request_id', cell: (c) => <TextCell value={c.getValue()} mono /> }),
  ];
}

/** One page of events. Sorting, paging and column visibility live in the URL (manual mode: the server sorts). */
export function AuditTable({
  page,
  state,
  timeZone,
  zoneLabel,
  emptyLines,
}: {
  page: Promise<AuditPage>;
  state: AuditViewState;
  timeZone: string;
  zoneLabel: string;
  emptyLines: string[];
}) {
  const { rows: pageRows, next, prev } = use(page);
  const { push } = useViewPush();
  // Live rows go on top of the first newest-first page (the live tail keeps none elsewhere); a row the page has too is shown once.
  const liveRows = useLiveTail()?.shown;
  const { rows, liveIds } = useMemo(() => {
    if (!liveRows?.length) return { rows: pageRows, liveIds: null };
    const onPage = new Set(pageRows.map((r) => r.id));
    const fresh = liveRows.filter((r) => !onPage.has(r.id));
    return { rows: fresh.length ? [...fresh, ...pageRows] : pageRows, liveIds: new Set(fresh.map((r) => r.id)) };
  }, [pageRows, liveRows]);
  // The detail closed: its row's link may be a new element now (cells render anew for a new URL).
  useEffect(() => restoreRowFocus(state.event));
  const shown = visibleColumns(state);
  const changesColumn = shown.includes('changes');
  const cols = useMemo(() => columns(state, timeZone, changesColumn), [state, timeZone, changesColumn]);
  const visibility: VisibilityState = Object.fromEntries(COLUMNS.map((c) => [c, shown.includes(c)]));
  // TanStack's table object is mutable by design; the React Compiler skips this component, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    manualSorting: true,
    manualPagination: true,
    state: { columnVisibility: visibility },
  });

  const header = (id: Column) => {
    const label = id === 'time' ? `Time (${zoneLabel})` : COLUMN_LABELS[id];
    if (!isSortable(id)) return <span>{label}</span>;
    const active = state.sort.column === id;
    // First click sorts time newest-first and text A-Z; clicking again reverses.
    const dir = active ? (state.sort.dir === 'asc' ? 'desc' : 'asc') : id === 'time' ? 'desc' : 'asc';
    return (
      <ViewLink
        href={hrefWith(state, { sort: { column: id, dir } })}
        className="inline-flex items-center gap-1 hover:text-zinc-900 max-md:rounded-full max-md:border max-md:border-zinc-300 max-md:px-2 max-md:py-1 dark:hover:text-white max-md:dark:border-zinc-700"
        aria-label={`Sort by ${label}${active ? `, currently ${state.sort.dir === 'asc' ? 'ascending' : 'descending'}` : ''}`}
      >
        {label}
        <span aria-hidden className={active ? 'text-zinc-900 dark:text-white' : 'text-zinc-300 dark:text-zinc-600'}>
          {active ? (state.sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </ViewLink>
    );
  };

  const visible = table.getVisibleLeafColumns().map((c) => c.id as Column);
  const widen = offersWiderRange(state.filters.range, new Date());

  return (
    <PendingRegion className="space-y-3">
      {/* From md up a fixed-layout table; below it each row is a card (the same cells, wrapped). */}
      <Table
        aria-label="Audit events"
        className="max-md:block md:min-w-(--table-min) md:table-fixed"
        style={tableMinWidth(visible)}
        wrapperClassName="max-md:overflow-x-visible"
      >
        <TableHeader className="max-md:block max-md:bg-transparent dark:max-md:bg-transparent">
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id} className="max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-1.5 max-md:px-3 max-md:py-2">
              {g.headers.map((h) => (
                <TableHead
                  key={h.id}
                  aria-sort={state.sort.column === h.id ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  style={colWidth(LAYOUT[h.id as Column].width)}
                  className={cn('px-2 md:w-(--col-w)', 'max-md:p-0', !isSortable(h.id) && 'max-md:hidden')}
                >
                  {header(h.id as Column)}
                </TableHead>
              ))}
            </tr>
          ))}
        </TableHeader>
        <TableBody className="max-md:block">
          {rows.length === 0 ? (
            <tr className="max-md:block">
              <TableCell colSpan={visible.length} className="py-12 text-center max-md:block">
                <p className="font-medium">No events match this view.</p>
                <ul className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" aria-label="Active filters">
                  {emptyLines.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
                <p className="mt-3 text-sm">
                  {widen ? (
                    <>
                      <ViewLink
                        href={hrefWith(state, { filters: { ...state.filters, range: { preset: '30d' } } })}
                        className="text-sky-700 underline dark:text-sky-400"
                      >
                        Widen to the last 30 days
                      </ViewLink>{' '}
                      or{' '}
                    </>
                  ) : null}
                  <ViewLink href="/audit" className="text-sky-700 underline dark:text-sky-400">
                    {widen ? 'reset all filters' : 'Reset all filters'}
                  </ViewLink>
                  .
                </p>
              </TableCell>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                data-event-id={row.id}
                data-live={liveIds?.has(row.id) || undefined}
                className={ROW_CLASS}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a,button')) return;
                  push(hrefWith(state, { event: row.id, after: state.after, before: state.before }));
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={CELL_CLASS[cell.column.id as Column]}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))
          )}
        </TableBody>
      </Table>
      <Pagination state={state} rowCount={pageRows.length} next={next} prev={prev} />
    </PendingRegion>
  );
}

export function AuditTableSkeleton() {
  return (
    <div className="space-y-2" aria-busy="true" aria-label="Loading events">
      {Array.from({ length: 10 }, (_, i) => (
        <div key={i} className="h-9 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
      ))}
    </div>
  );
}
