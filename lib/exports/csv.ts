import { neutraliseFormula } from './formula-guard';

/** Byte order mark: without it Excel reads UTF-8 CSV as the legacy code page and mangles non-ASCII text. */
export const CSV_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One RFC 4180 field: formula-guarded, quoted when it holds a quote, comma, CR or LF (quotes doubled). */
export function csvField(value: string | null | undefined): string {
  if (!value) return '';
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export function csvRecord(values: readonly (string | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += i === 0 ? csvField(values[i]) : `,${csvField(values[i])}`;
  return line + CSV_EOL;
}
