/**
 * What a failure entry may keep of a caller's raw input. The input is whatever was posted (a member may send a
 * 900 KB field, NUL bytes or lone surrogates), so it is cleaned and bounded before it is stored: PostgreSQL
 * refuses NUL and unpaired surrogates in text and jsonb, and an append-only log must not be flooded.
 */
export const STORABLE_LIMITS = { string: 500, keys: 50, items: 20, depth: 6, total: 4096 } as const;

/** NUL becomes U+FFFD and unpaired surrogates U+FFFD, so the text can be stored; everything else is kept. */
export function cleanText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

/** True when `value` holds text PostgreSQL cannot store as is (NUL or an unpaired surrogate), at any depth. */
export function hasUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (value === null || typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) return value.some((v) => hasUnstorableText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => hasUnstorableText(k) || hasUnstorableText(v, depth + 1));
}

const truncated = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max)}… [truncated ${s.length - max} characters]`);

/**
 * A cleaned copy of `value` within STORABLE_LIMITS: long strings end in a "[truncated N characters]" marker,
 * long lists and objects say how much was left out, and once about 4 KB are used the rest is replaced by a marker.
 */
export function storableCopy(value: unknown): { value: unknown; truncated: boolean } {
  let budget: number = STORABLE_LIMITS.total;
  let cut = false;
  const text = (s: string, max: number = STORABLE_LIMITS.string) => {
    const clean = truncated(cleanText(s), Math.max(0, Math.min(max, budget)));
    if (clean.length < s.length) cut = true;
    budget -= clean.length;
    return clean;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (budget <= 0) {
      cut = true;
      return '[omitted]';
    }
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') {
      budget -= 8;
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    }
    if (depth >= STORABLE_LIMITS.depth) {
      cut = true;
      return '[nested too deep]';
    }
    if (Array.isArray(v)) {
      const items = v.slice(0, STORABLE_LIMITS.items).map((x) => walk(x, depth + 1));
      if (v.length > items.length) {
        cut = true;
        items.push(`[${v.length - items.length} more items]`);
      }
      return items;
    }
    const entries = Object.entries(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries.slice(0, STORABLE_LIMITS.keys)) {
      const key = text(k, 100);
      // A "__proto__" key would set the copy's prototype instead of a property.
      Object.defineProperty(out, key, { value: walk(x, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    if (entries.length > STORABLE_LIMITS.keys) {
      cut = true;
      out['…'] = `[${entries.length - STORABLE_LIMITS.keys} more keys]`;
    }
    return out;
  };
  const copy = walk(value, 0);
  return { value: copy, truncated: cut };
}
