import type { FieldChange } from '@/db/schema/audit-events';
import { canonical } from '@/lib/recording/diff';

/**
 * The snapshot diff and changed-path list as written before issue 17's second pass (recursion that returns an
 * array per level, key sets by spreading, paths by split/join): the reference lib/recording/diff.ts is tested
 * against, so a faster rewrite can never change a stored change list.
 */
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarArray = (v: unknown[]) => v.every((x) => x === null || typeof x !== 'object');
const sameJson = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export function referenceDiff(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (sameJson(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => referenceDiff(before[k] ?? null, after[k] ?? null, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && !(isScalarArray(before) && isScalarArray(after))) {
    const n = Math.max(before.length, after.length);
    const out: FieldChange[] = [];
    for (let i = 0; i < n; i++) out.push(...referenceDiff(before[i] ?? null, after[i] ?? null, `${prefix}.${i}`));
    return out;
  }
  if (prefix === '' && (isPlainObject(before) || isPlainObject(after))) {
    return referenceDiff(isPlainObject(before) ? before : {}, isPlainObject(after) ? after : {}, '');
  }
  return [{ path: prefix, before: canonical(before), after: canonical(after) }];
}

export function referenceChangedFieldPaths(changes: FieldChange[]): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    const parts = c.path.split('.');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('.'));
  }
  return [...out];
}
