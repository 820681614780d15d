/**
 * PostgreSQL column text (as COPY writes it) straight to the canonical JSON the chain record holds, for the
 * column types whose text form is not already the value: timestamptz and text[]. Each returns null where it is
 * not certain to match the Drizzle read, and the caller takes the exact path (lib/chain/verify-copy).
 */

const UTC_TEXT = /^([1-9][0-9]{3}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,3}))?\+00$/;
const SIMPLE_ARRAY = /^\{[^"\\{}]*\}$/;

/**
 * toISOString() of new Date(text) for PostgreSQL's timestamptz text (what Drizzle's read and chainRecord make
 * of it); null for an invalid date. The "+00" form a UTC session writes is rebuilt without a Date.
 */
export function isoTime(text: string): string | null {
  const m = UTC_TEXT.exec(text);
  if (m) return m[1] + 'T' + m[2] + '.' + (m[3] === undefined ? '000' : m[3].padEnd(3, '0')) + 'Z';
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The canonical JSON array of a one-dimensional text[] whose elements PostgreSQL wrote unquoted (postgres.js
 * reads those as they stand); null for quoted, empty, NULL or nested elements.
 */
export function textArray(text: string): string | null {
  if (!SIMPLE_ARRAY.test(text)) return null;
  if (text.length === 2) return '[]';
  const items = text.slice(1, -1).split(',');
  let out = '[';
  for (let k = 0; k < items.length; k++) {
    const e = items[k]!;
    if (e === '' || e.toUpperCase() === 'NULL') return null;
    out += (k > 0 ? ',' : '') + JSON.stringify(e);
  }
  return out + ']';
}
