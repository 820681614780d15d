/**
 * PostgreSQL's `COPY … TO STDOUT` text format: one row per line, columns split by tabs, `\N` for NULL, and
 * backslash escapes for the characters that would break the framing. The one decoder of it (the chain verifier's
 * COPY ranges read it; the CSV export reads COPY's csv format instead, lib/exports/csv-copy-parser.ts).
 */

/** The text COPY writes for a NULL column. */
export const COPY_NULL = '\\N';

const COPY_ESCAPE = /\\(.)/g;
// The only escapes COPY TO writes.
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A column's text with COPY's backslash escapes undone; null when it holds an escape COPY TO never writes. */
export function unescapeCopyText(raw: string): string | null {
  if (raw.indexOf('\\') < 0) return raw;
  let bad = false;
  const out = raw.replace(COPY_ESCAPE, (_, c: string) => {
    const v = COPY_ESCAPES[c];
    if (v === undefined) {
      bad = true;
      return '';
    }
    return v;
  });
  return bad ? null : out;
}

/** A column's value: null for `\N`, else its unescaped text; throws on an escape COPY TO never writes. */
export function copyField(raw: string): string | null {
  if (raw === COPY_NULL) return null;
  const text = unescapeCopyText(raw);
  if (text === null) throw new Error(`unexpected COPY escape in ${JSON.stringify(raw.slice(0, 40))}`);
  return text;
}

/** A 'data' handler calling `onRow` per row. PostgreSQL sends one CopyData message per row; other cuts are joined. */
export function splitRows(onRow: (line: string) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null;
  return (chunk) => {
    let buf = chunk;
    if (pending) {
      buf = Buffer.concat([pending, chunk]);
      pending = null;
    }
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      onRow(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    if (start < buf.length) pending = Buffer.from(buf.subarray(start));
  };
}
