import type { FieldChange } from '@/db/schema/audit-events';
import { sortKeys } from '@/lib/chain/sort-keys';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalarArray(v: unknown[]): boolean {
  return v.every((x) => x === null || typeof x !== 'object');
}

/** A scalar as JSON.stringify(canonical(v)) would write it: undefined and non-finite numbers read as null. */
function scalar(v: unknown): unknown {
  return v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v;
}

/** How many own enumerable keys hold a value other than undefined (canonical leaves the others out). */
function definedKeyCount(o: Record<string, unknown>): number {
  let n = 0;
  // for-in over own keys: Object.keys' keys without an array (diffing walks every level of both snapshots).
  for (const k in o) if (Object.hasOwn(o, k) && o[k] !== undefined) n++;
  return n;
}

/**
 * JSON.stringify(canonical(a)) === JSON.stringify(canonical(b)), without building either string: diffing calls
 * this at every level of a snapshot, so serializing there cost more than everything else an entry needs.
 */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    if (definedKeyCount(a) !== definedKeyCount(b)) return false;
    for (const k in a) if (Object.hasOwn(a, k) && a[k] !== undefined && (b[k] === undefined || !same(a[k], b[k]))) return false;
    return true;
  }
  if (Array.isArray(b) || isPlainObject(b)) return false;
  return scalar(a) === scalar(b);
}

/** Key-sorted copy, so equality and display don't depend on key order. */
export function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) {
    const out: Record<string, Json> = {};
    for (const k of sortKeys(Object.keys(value))) if (value[k] !== undefined) out[k] = canonical(value[k]);
    return out;
  }
  if (value === undefined) return null;
  return value as Json;
}

/**
 * Field-level changes between two snapshots, as dotted paths (`limits.rate`). Objects recurse; arrays of
 * scalars (tags, scopes) change as one value because an insert would otherwise shift every index; arrays
 * of objects (rules, steps) compare element by element (`rules.1.port`). Absent and null both read as null.
 */
export function diffSnapshots(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const out: FieldChange[] = [];
  diffInto(before, after, prefix, out);
  return out;
}

// Every ingested event with snapshots is diffed: one output array, no per-level arrays or sets.
function diffInto(before: unknown, after: unknown, prefix: string, out: FieldChange[]): void {
  if (same(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const k of unionKeys(before, after)) diffInto(before[k] ?? null, after[k] ?? null, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && !(isScalarArray(before) && isScalarArray(after))) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) diffInto(before[i] ?? null, after[i] ?? null, `${prefix}.${i}`, out);
    return;
  }
  // A whole-snapshot create/delete (prefix '') lists each top-level field it sets or clears.
  if (prefix === '' && (isPlainObject(before) || isPlainObject(after))) {
    diffInto(isPlainObject(before) ? before : {}, isPlainObject(after) ? after : {}, '', out);
    return;
  }
  out.push({ path: prefix, before: canonical(before), after: canonical(after) });
}

/** The own enumerable keys of either object, sorted (by UTF-16 code units), each once. */
function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = Object.keys(a);
  for (const k of Object.keys(b)) if (!Object.prototype.propertyIsEnumerable.call(a, k)) keys.push(k);
  return sortKeys(keys);
}

/** Changed paths plus their ancestors (`limits.rate` also lists `limits`), so a field filter on a parent matches. */
export function changedFieldPaths(changes: FieldChange[]): string[] {
  const out = new Set<string>();
  for (const { path } of changes) {
    for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) out.add(path.slice(0, dot));
    out.add(path);
  }
  return [...out];
}
