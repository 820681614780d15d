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
