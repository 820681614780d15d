import { isUuid } from '@/lib/ids';
import { unusableText } from '@/lib/view/filter-values';
import { MAX_INSTANT } from '@/lib/view/instant';
import { parseIpFilter } from '@/lib/view/ip-filter';

import type { Cursor, Sort } from '@/db/vocabulary/sort';

export type { Cursor };

const toB64Url = (s: string) =>
  btoa(unescape(encodeURIComponent(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromB64Url = (s: string) => decodeURIComponent(escape(atob(s.replace(/-/g, '+').replace(/_/g, '/'))));

/** Opaque, URL-safe cursor (works in server and browser). */
export function encodeCursor(c: Cursor): string {
  return toB64Url(JSON.stringify(c.v === undefined ? [c.at.getTime(), c.id] : [c.at.getTime(), c.id, c.v]));
}

/** Returns null for anything that is not a cursor this server made (never throws on user input). */
export function decodeCursor(raw: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromB64Url(raw));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length < 2 || parsed.length > 3) return null;
  const [ms, id, v] = parsed as unknown[];
  // Events are stored from 1970 on; past year 9999 the instant has no ISO form PostgreSQL reads.
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_INSTANT) return null;
  if (typeof id !== 'string' || !isUuid(id)) return null;
  if (v !== undefined && (typeof v !== 'string' || v.length > 512 || unusableText(v) !== null)) return null;
  return v === undefined ? { at: new Date(ms), id } : { v, at: new Date(ms), id };
}

/**
 * Whether the cursor's sort value can be compared with the sort column (the keyset condition casts it):
 * sorting by anything but time needs a value, and sorting by IP needs an address.
 */
export function cursorFitsSort(c: Cursor, sort: Sort): boolean {
  if (sort.column === 'time') return true;
  if (c.v === undefined) return false;
  return sort.column === 'ip' ? c.v === c.v.trim() && parseIpFilter(c.v) !== null : true;
}
