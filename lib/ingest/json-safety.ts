/** Deeper than this is refused: redaction and diffing recurse, and no audit snapshot needs more. */
export const MAX_JSON_DEPTH = 32;
export const NUL_MESSAGE = 'Must not contain NUL (\\u0000) characters.';

export const hasNul = (s: string) => s.includes('\u0000');

/**
 * Why a JSON value cannot be stored, or null. PostgreSQL rejects NUL (\u0000) in text and jsonb, so such
 * input must be a validation error rather than a failed insert.
 */
export function jsonValueProblem(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return hasNul(value) ? NUL_MESSAGE : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return `Must not be nested more than ${MAX_JSON_DEPTH} levels deep.`;
  // Plain loops: this walks every value of every ingested event, so no per-node arrays are allocated.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonValueProblem(value[i], depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (hasNul(key)) return NUL_MESSAGE;
    const problem = jsonValueProblem(object[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

export type WireProblem = { path: string; message: string };

const keyPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * What JSON.parse kept that the stored event could not keep exactly, checked on the raw body before validation
 * copies it: a `__proto__` key (dropped by any object copy), lone UTF-16 surrogates (`"\ud800"`: PostgreSQL refuses
 * them), numbers that overflowed (`1e400` parses as Infinity) and integers beyond 2^53 (already rounded). Each is
 * refused with its path rather than silently changed.
 */
export function wireProblems(value: unknown, path = '', out: WireProblem[] = [], depth = 0): WireProblem[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (!value.isWellFormed()) out.push({ path, message: 'Must not contain unpaired UTF-16 surrogates (like \\ud800).' });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push({ path, message: 'Number is out of range.' });
    else if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      out.push({ path, message: 'Integers beyond ±9007199254740991 (2^53 - 1) lose precision: send them as strings.' });
    }
  } else if (value !== null && typeof value === 'object' && depth < MAX_JSON_DEPTH) {
    if (Array.isArray(value)) value.forEach((v, i) => wireProblems(v, keyPath(path, String(i)), out, depth + 1));
    else {
      for (const key of Object.keys(value)) {
        const at = keyPath(path, key);
        if (key === '__proto__') out.push({ path: at, message: 'The key "__proto__" is not allowed.' });
        else if (!key.isWellFormed()) out.push({ path: at, message: 'Keys must not contain unpaired UTF-16 surrogates.' });
        else wireProblems((value as Record<string, unknown>)[key], at, out, depth + 1);
      }
    }
  }
  return out;
}

// NUL or any surrogate: one scan finds every string that needs a closer look (paired surrogates are fine).
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;
const storableString = (s: string) => !MAYBE_UNSTORABLE.test(s) || (!s.includes('\u0000') && s.isWellFormed());

/**
 * True when neither wireProblems nor jsonValueProblem could find anything in `value` (an event as parsed), in one
 * walk that allocates nothing: no `__proto__` key, no NUL or lone surrogate in any key or string, every number
 * finite and, if an integer, safe, nothing nested MAX_JSON_DEPTH deep (counted from the event, so stricter than
 * jsonValueProblem's count from each field). False sends the event down the path that names its problems.
 */
export function isWireClean(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return storableString(value);
  if (typeof value === 'number') return Number.isFinite(value) && (Number.isSafeInteger(value) || !Number.isInteger(value));
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isWireClean(value[i], depth + 1)) return false;
    return true;
  }
  const object = value as Record<string, unknown>;
  // for-in over own keys: the same keys as Object.keys, without an array per object (this walks every event).
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (key === '__proto__' || !storableString(key) || !isWireClean(object[key], depth + 1)) return false;
  }
  return true;
}
