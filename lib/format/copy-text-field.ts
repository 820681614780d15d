/**
 * One field of PostgreSQL's `COPY … TO STDOUT` in text format (fields split on tab, records on LF): `\N` is
 * NULL, and the backslash escapes COPY TO writes (\\ \b \f \n \r \t \v) are undone. COPY TO never writes
 * other escapes (octal, hex), so one is an error: the text is not what this reader expects.
 */
export function decodeCopyTextField(raw: string): string | null {
  if (raw === COPY_TEXT_NULL) return null;
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\(.)/gs, (_, c: string) => {
    const v = COPY_TEXT_ESCAPES[c];
    if (v === undefined) throw new Error(`unexpected COPY escape \\${c}`);
    return v;
  });
}

/** How COPY's text format writes NULL. */
export const COPY_TEXT_NULL = '\\N';

const COPY_TEXT_ESCAPES: Record<string, string> = { '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
