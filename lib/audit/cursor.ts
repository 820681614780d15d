import { isUuid } from '@/lib/ids';

/** Position in the (occurred_at desc, id desc) order: the last row of the page before. */
export type Cursor = { at: Date; id: string };

const toB64Url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64Url = (s: string) => atob(s.replace(/-/g, '+').replace(/_/g, '/'));

/** Opaque, URL-safe cursor: `<epoch ms>.<uuid>` base64url-encoded (works in server and browser). */
export function encodeCursor(c: Cursor): string {
  return toB64Url(`${c.at.getTime()}.${c.id}`);
}

/** Returns null for anything that is not a cursor this server made (never throws on user input). */
export function decodeCursor(raw: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(raw)) return null;
  let text: string;
  try {
    text = fromB64Url(raw);
  } catch {
    return null;
  }
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(text);
  if (!m || !isUuid(m[2]!)) return null;
  const at = new Date(Number(m[1]));
  return Number.isNaN(at.getTime()) ? null : { at, id: m[2]! };
}
