import { neutraliseFormula } from './formula-guard';

/** Byte order mark: without it Excel reads UTF-8 CSV as the legacy code page and mangles non-ASCII text. */
export const CSV_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';

/** One RFC 4180 field: formula-guarded, quoted when it holds a quote, comma, CR or LF (quotes doubled). */
export function csvField(value: string | null | undefined): string {
  const text = neutraliseFormula(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export function csvRecord(values: readonly (string | null | undefined)[]): string {
  return values.map(csvField).join(',') + CSV_EOL;
}
