import { IGNORED_VIEW_PARAMS, type ExportFormat } from './formats';

/** The download link for a view's canonical query string ('?…' or ''), minus what an export ignores. */
export function exportHref(query: string, format: ExportFormat): string {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  for (const key of [...IGNORED_VIEW_PARAMS, 'format']) params.delete(key);
  const rest = params.toString();
  return `/audit/export?format=${format}${rest ? `&${rest}` : ''}`;
}
