/** `db.execute()` returns `{ rows }` on PGlite and an array on postgres.js; this is the one place that knows. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
