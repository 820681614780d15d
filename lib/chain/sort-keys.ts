/** Above this many keys Array.prototype.sort is used (objects in audit snapshots have a handful). */
const INSERTION_SORT_MAX = 24;

/**
 * Sorts object keys in place by UTF-16 code units (the order `keys.sort()` gives) and returns them. Short lists
 * are insertion-sorted: V8's sort allocates its work arrays on every call, which made it the largest allocation
 * of the ingest hot path (~12 kB per event, canonical JSON and diffs sort every object's keys).
 */
export function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
