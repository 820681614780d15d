'use client';

import { use, useMemo } from 'react';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { AuditListRow } from '@/db/queries/audit-events';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatInZone } from '@/lib/format/time-zone';
import { ActionPill } from './action-pill';
import { ChangeSummary } from './change-summary';

export type AuditPage = { rows: AuditListRow[]; nextHref: string | null };

const col = createColumnHelper<AuditListRow>();
const ACTOR_KIND: Record<AuditListRow['actorType'], string | null> = { user: null, api_key: 'API key', system: 'System' };

function columns(timeZone: string, zoneLabel: string) {
  return [
    col.accessor('occurredAt', {
      header: `Time (${zoneLabel})`,
      cell: (c) => (
        <time dateTime={c.getValue().toISOString()} title={c.getValue().toISOString()} className="whitespace-nowrap font-mono text-xs tabular-nums">
          {formatInZone(c.getValue(), timeZone)}
        </time>
      ),
    }),
    col.accessor('actorLabel', {
      header: 'User',
      cell: (c) => {
        const kind = ACTOR_KIND[c.row.original.actorType];
        return (
          <span className="flex items-center gap-1.5 whitespace-nowrap">
            <span className="max-w-[16rem] truncate" title={c.getValue()}>{c.getValue()}</span>
            {kind ? <span className="rounded border border-zinc-300 px-1 text-[10px] uppercase text-zinc-500 dark:border-zinc-700">{kind}</span> : null}
          </span>
        );
      },
    }),
    col.accessor('ip', { header: 'IP', cell: (c) => <span className="whitespace-nowrap font-mono text-xs">{c.getValue() ?? '—'}</span> }),
    col.accessor('action', { header: 'Action', cell: (c) => <ActionPill action={c.getValue()} /> }),
    col.accessor('objectType', { header: 'Object type', cell: (c) => <span className="whitespace-nowrap">{c.getValue()}</span> }),
    col.accessor('objectId', {
      header: 'Object id',
      cell: (c) => <span className="block max-w-[9rem] truncate font-mono text-xs" title={c.getValue() ?? undefined}>{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('message', {
      header: 'Message',
      cell: (c) => (
        <div className="min-w-[14rem] max-w-[26rem]">
          <span className="line-clamp-2">{c.getValue()}</span>
          {c.row.original.errorMessage ? <span className="block text-xs text-red-700 dark:text-red-400">{c.row.original.errorMessage}</span> : null}
          <ChangeSummary changes={c.row.original.changes} />
        </div>
      ),
    }),
    col.accessor('result', {
      header: 'Result',
      cell: (c) =>
        c.getValue() === 'success' ? (
          <span className="text-emerald-700 dark:text-emerald-400">success</span>
        ) : (
          <span className="font-medium text-red-700 dark:text-red-400">failure</span>
        ),
    }),
  ];
}

/** Renders one page of events; the promise comes from the server component so the query starts before render. */
export function AuditTable({ page, timeZone, zoneLabel }: { page: Promise<AuditPage>; timeZone: string; zoneLabel: string }) {
  const { rows, nextHref } = use(page);
  const cols = useMemo(() => columns(timeZone, zoneLabel), [timeZone, zoneLabel]);
  // TanStack's table object is mutable by design; the React Compiler skips this component, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns: cols, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id });

  return (
    <div className="space-y-3">
      <Table aria-label="Audit events">
        <TableHeader>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <TableHead key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</TableHead>
              ))}
            </tr>
          ))}
        </TableHeader>
        <TableBody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <TableCell colSpan={cols.length} className="py-12 text-center text-zinc-500">
                No events recorded for this organization yet.
              </TableCell>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <TableRow key={row.id} data-event-id={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                ))}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
      <nav aria-label="Pagination" className="flex items-center justify-between text-sm">
        <span className="text-zinc-500" data-testid="page-row-count">{rows.length} events on this page</span>
        <span className="flex gap-2">
          <a href="?" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900">
            Newest
          </a>
          {nextHref ? (
            <a href={nextHref} rel="next" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900">
              Older →
            </a>
          ) : (
            <span aria-disabled="true" className="rounded-md border border-zinc-200 px-3 py-1.5 text-zinc-400 dark:border-zinc-800">
              Older →
            </span>
          )}
        </span>
      </nav>
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
