'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { use, useMemo } from 'react';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type VisibilityState } from '@tanstack/react-table';
import type { AuditListRow } from '@/db/queries/audit-events';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { Cursor } from '@/lib/view/cursor';
import { COLUMNS, hrefWith, SORT_COLUMNS, type AuditViewState, type Column, type SortColumn } from '@/lib/view/search-params';
import { formatInZone } from '@/lib/format/time-zone';
import { ActionPill } from './action-pill';
import { ChangeSummary } from './change-summary';
import { Pagination } from './pagination';
import { COLUMN_LABELS } from './view-toolbar';

export type AuditPage = { rows: AuditListRow[]; next: Cursor | null; prev: Cursor | null };

const col = createColumnHelper<AuditListRow>();
const ACTOR_KIND: Record<AuditListRow['actorType'], string | null> = { user: null, api_key: 'API key', system: 'System' };
const isSortable = (c: string): c is SortColumn => (SORT_COLUMNS as readonly string[]).includes(c);

function columns(state: AuditViewState, timeZone: string) {
  const detailHref = (id: string) => hrefWith(state, { event: id, after: state.after, before: state.before });
  return [
    col.accessor('occurredAt', {
      id: 'time',
      cell: (c) => (
        <Link
          href={detailHref(c.row.original.id)}
          scroll={false}
          className="whitespace-nowrap font-mono text-xs tabular-nums hover:underline"
          title={c.getValue().toISOString()}
        >
          <time dateTime={c.getValue().toISOString()}>{formatInZone(c.getValue(), timeZone)}</time>
        </Link>
      ),
    }),
    col.accessor('actorLabel', {
      id: 'actor',
      cell: (c) => {
        const kind = ACTOR_KIND[c.row.original.actorType];
        return (
          <span className="flex items-center gap-1.5 whitespace-nowrap">
            <span className="max-w-[14rem] truncate" title={c.getValue()}>
              {c.getValue()}
            </span>
            {kind ? <span className="rounded border border-zinc-300 px-1 text-[10px] uppercase text-zinc-500 dark:border-zinc-700">{kind}</span> : null}
          </span>
        );
      },
    }),
    col.accessor('ip', { id: 'ip', cell: (c) => <span className="whitespace-nowrap font-mono text-xs">{c.getValue() ?? '—'}</span> }),
    col.accessor('action', { id: 'action', cell: (c) => <ActionPill action={c.getValue()} /> }),
    col.accessor('objectType', { id: 'type', cell: (c) => <span className="whitespace-nowrap">{c.getValue()}</span> }),
    col.accessor('objectId', {
      id: 'object',
      cell: (c) => {
        const id = c.getValue();
        if (!id) return <span className="text-zinc-400">—</span>;
        const history = hrefWith(state, {
          filters: { ...state.filters, objectId: id, include: { ...state.filters.include, type: [c.row.original.objectType] } },
        });
        return (
          <Link
            href={history}
            scroll={false}
            onClick={(e) => e.stopPropagation()}
            className="block max-w-[9rem] truncate font-mono text-xs text-sky-700 hover:underline dark:text-sky-400"
            title={`All events for ${c.row.original.objectType} ${id}`}
          >
            {id}
          </Link>
        );
      },
    }),
    col.accessor('message', {
      id: 'message',
      cell: (c) => (
        <div className="min-w-[14rem] max-w-[22rem]">
          <span className="line-clamp-2">{c.getValue()}</span>
          {c.row.original.errorMessage ? <span className="block text-xs text-red-700 dark:text-red-400">{c.row.original.errorMessage}</span> : null}
          <ChangeSummary changes={c.row.original.changes} />
        </div>
      ),
    }),
    col.accessor('result', {
      id: 'result',
      cell: (c) =>
        c.getValue() === 'success' ? (
          <span className="text-emerald-700 dark:text-emerald-400">success</span>
        ) : (
          <span className="font-medium text-red-700 dark:text-red-400">failure</span>
        ),
    }),
    col.accessor('source', { id: 'source', cell: (c) => <span className="text-xs uppercase text-zinc-500">{c.getValue()}</span> }),
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
  const { rows, next, prev } = use(page);
  const router = useRouter();
  const cols = useMemo(() => columns(state, timeZone), [state, timeZone]);
  const visibility: VisibilityState = Object.fromEntries(COLUMNS.map((c) => [c, (state.cols ?? COLUMNS).includes(c)]));
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
      <Link
        href={hrefWith(state, { sort: { column: id, dir } })}
        scroll={false}
        className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-white"
        aria-label={`Sort by ${label}${active ? `, currently ${state.sort.dir === 'asc' ? 'ascending' : 'descending'}` : ''}`}
      >
        {label}
        <span aria-hidden className={active ? 'text-zinc-900 dark:text-white' : 'text-zinc-300 dark:text-zinc-600'}>
          {active ? (state.sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    );
  };

  return (
    <div className="space-y-3">
      <Table aria-label="Audit events">
        <TableHeader>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <TableHead key={h.id} aria-sort={state.sort.column === h.id ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {header(h.id as Column)}
                </TableHead>
              ))}
            </tr>
          ))}
        </TableHeader>
        <TableBody>
          {rows.length === 0 ? (
            <tr>
              <TableCell colSpan={table.getVisibleLeafColumns().length} className="py-12 text-center">
                <p className="font-medium">No events match this view.</p>
                <ul className="mt-2 text-sm text-zinc-500" aria-label="Active filters">
                  {emptyLines.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
                <p className="mt-3 text-sm">
                  <Link
                    href={hrefWith(state, { filters: { ...state.filters, range: { preset: '30d' } } })}
                    className="text-sky-700 underline dark:text-sky-400"
                  >
                    Widen to the last 30 days
                  </Link>{' '}
                  or{' '}
                  <Link href="/audit" className="text-sky-700 underline dark:text-sky-400">
                    reset all filters
                  </Link>
                  .
                </p>
              </TableCell>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <TableRow
                key={row.id}
                data-event-id={row.id}
                className="cursor-pointer"
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a,button')) return;
                  router.push(hrefWith(state, { event: row.id, after: state.after, before: state.before }), { scroll: false });
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                ))}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
      <Pagination state={state} rowCount={rows.length} next={next} prev={prev} />
    </div>
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
