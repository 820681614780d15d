/** The export formats, their file extensions and media types. Safe to import from client components. */
export const EXPORT_FORMATS = ['csv', 'csv-proof', 'xlsx', 'pdf', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_INFO: Record<ExportFormat, { label: string; extension: string; contentType: string }> = {
  csv: { label: 'CSV', extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  'csv-proof': { label: 'CSV with proof (.zip)', extension: 'zip', contentType: 'application/zip' },
  xlsx: { label: 'Excel (.xlsx)', extension: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pdf: { label: 'PDF', extension: 'pdf', contentType: 'application/pdf' },
  jsonl: { label: 'JSON Lines', extension: 'jsonl', contentType: 'application/jsonl; charset=utf-8' },
};

export function isExportFormat(value: string | null | undefined): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value ?? '');
}

/** View parameters an export ignores: it is the whole view (every page, every column), not the screen. */
export const IGNORED_VIEW_PARAMS = ['after', 'before', 'event', 'size', 'cols'] as const;
