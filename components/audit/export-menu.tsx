'use client';

import { DropdownMenu } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { exportHref } from '@/lib/exports/export-href';
import { EXPORT_FORMATS, FORMAT_INFO } from '@/lib/exports/formats';

export type ExportMenuProps = {
  /** The current view's canonical query string ('?…' or ''); paging, page size, columns and the open event are dropped. */
  query: string;
  /** The page's count of the view (exact up to 10,000, else an estimate). */
  count: { count: number; exact: boolean; atLeast?: boolean };
  /** PDF_ROW_CAP from lib/exports/limits.ts: above it the server answers 413, so the option is disabled here. */
  pdfCap: number;
};

const HINTS: Record<(typeof EXPORT_FORMATS)[number], string> = {
  csv: 'Any size; opens in Excel, Numbers, Sheets',
  'csv-proof': 'The CSV and its proof: checkable offline with our verifier',
  xlsx: 'Any size; with a "Filters Applied" sheet',
  pdf: 'A printable report for auditors',
  jsonl: 'Every field, one event per line',
};

const itemClass =
  'flex cursor-pointer flex-col rounded px-2 py-1.5 text-sm outline-none select-none data-[highlighted]:bg-zinc-100 data-[disabled]:cursor-not-allowed data-[disabled]:opacity-60 dark:data-[highlighted]:bg-zinc-800';

/** "Export" menu: the whole current view (every page, all columns) as CSV (alone or with its proof), Excel, PDF or JSON Lines downloads. */
export function ExportMenu({ query, count, pdfCap }: ExportMenuProps) {
  const pdfTooBig = !count.exact || count.count > pdfCap;
  const total = count.exact
    ? count.count.toLocaleString('en-US')
    : count.atLeast
      ? `more than ${(count.count - 1).toLocaleString('en-US')}`
      : `about ${count.count.toLocaleString('en-US')}`;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <Button variant="outline" size="sm" title="Download the current view: every page, all columns">
          Export
        </Button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          collisionPadding={8}
          className="z-50 w-72 rounded-lg border border-zinc-200 bg-white p-1 text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <DropdownMenu.Label className="px-2 pt-1 pb-1.5 text-xs text-zinc-500 dark:text-zinc-400">
            Export {total} {count.count === 1 && count.exact ? 'event' : 'events'} with these filters
          </DropdownMenu.Label>
          {EXPORT_FORMATS.map((format) =>
            format === 'pdf' && pdfTooBig ? (
              <DropdownMenu.Item key={format} disabled className={itemClass} data-testid="export-pdf-disabled">
                <span>{FORMAT_INFO[format].label}</span>
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  Unavailable: a PDF holds at most {pdfCap.toLocaleString('en-US')} events. Narrow the time range or filters, or use CSV or Excel.
                </span>
              </DropdownMenu.Item>
            ) : (
              <DropdownMenu.Item key={format} asChild className={itemClass}>
                <a href={exportHref(query, format)} download data-testid={`export-${format}`}>
                  <span>{FORMAT_INFO[format].label}</span>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">{HINTS[format]}</span>
                </a>
              </DropdownMenu.Item>
            ),
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
