import { FORMAT_INFO, type ExportFormat } from './formats';
import { fileStamp } from './time';

/** `audit-log_<org slug>_<from>_<to>.<ext>`; an open start is `beginning`, an open end the export time. */
export function exportFileName(orgSlug: string, window: { from: Date | null; to: Date | null }, now: Date, format: ExportFormat): string {
  const from = window.from ? fileStamp(window.from) : 'beginning';
  return `audit-log_${orgSlug}_${from}_${fileStamp(window.to ?? now)}.${FORMAT_INFO[format].extension}`;
}
