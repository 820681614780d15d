/**
 * COPY takes no bind parameters, so a statement Drizzle built is sent with its parameters inlined as escaped
 * literals (E'…' with quotes and backslashes doubled: safe whatever standard_conforming_strings says).
 */

/** A SQL literal for a bound parameter: E'…' (quotes and backslashes doubled), a finite number, or NULL. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('A text parameter holds a NUL character');
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new Error(`Cannot inline a ${typeof value} parameter into COPY`);
}

/**
 * Replaces $1…$n in Drizzle's statement with literals. Refuses a statement with any other `$` (a
 * placeholder could then hide in a literal or name) or placeholders that are not exactly $1…$n in order.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  if (text.replace(/\$\d+/g, '').includes('$')) throw new Error('Unexpected $ in the export query');
  let expected = 1;
  const inlined = text.replace(/\$(\d+)/g, (_, n: string) => {
    if (Number(n) !== expected) throw new Error('Unexpected parameter placeholder in the export query');
    return sqlLiteral(params[expected++ - 1]);
  });
  if (expected !== params.length + 1) throw new Error('Parameter count mismatch in the export query');
  return inlined;
}

/** `COPY (<the statement, parameters inlined>) TO STDOUT` in PostgreSQL's CSV format; throws if a parameter cannot be inlined. */
export function copyCsvText(query: { sql: string; params: readonly unknown[] }): string {
  return `copy (${inlineParams(query.sql, query.params)}) to stdout with (format csv)`;
}
