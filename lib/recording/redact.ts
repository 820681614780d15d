import type { FieldChange } from '@/db/schema/audit-events';

/** What a secret's value is replaced with: the entry still says the field was there (or changed). */
export const REDACTED = '[REDACTED]';

/** Built-in sensitive names; a key is sensitive when its normalized form contains one of them. */
export const DEFAULT_REDACT_FIELDS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'privatekey',
  'credential',
  'sessionid',
  'signature',
] as const;

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

export type Redactor = {
  isSensitive(key: string): boolean;
  /** True when some key of `v`, at any depth, is sensitive: value(v) would differ from v. Allocates nothing. */
  hasSensitiveKey(v: unknown): boolean;
  value<T>(v: T): T;
  changes(c: FieldChange[]): FieldChange[];
};

/**
 * Builds a redactor for the built-in names plus `extra` (AUDIT_REDACT_FIELDS). Matching ignores case and
 * separators (`api_key`, `apiKey`, `X-Api-Key` are one name) and applies at any depth, inside arrays too.
 */
export function createRedactor(extra: readonly string[] = []): Redactor {
  const needles = [...DEFAULT_REDACT_FIELDS, ...extra].map(normalize).filter(Boolean);
  // Keys repeat across entries (every snapshot of a kind has the same ones): each is judged once.
  const judged = new Map<string, boolean>();
  const isSensitive = (key: string) => {
    let sensitive = judged.get(key);
    if (sensitive === undefined) {
      const k = normalize(key);
      sensitive = needles.some((n) => k.includes(n));
      if (judged.size >= 10_000) judged.clear();
      judged.set(key, sensitive);
    }
    return sensitive;
  };
  const mask = (v: unknown) => (v === null || v === undefined ? v : REDACTED);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const inner = (v as Record<string, unknown>)[k];
        out[k] = isSensitive(k) ? mask(inner) : walk(inner);
      }
      return out;
    }
    return v;
  };
  const hasSensitiveKey = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (hasSensitiveKey(v[i])) return true;
      return false;
    }
    if (v && typeof v === 'object') {
      // for-in over own keys: the same keys as Object.keys, without an array per object (this walks every snapshot).
      for (const k in v) if (Object.hasOwn(v, k) && (isSensitive(k) || hasSensitiveKey((v as Record<string, unknown>)[k]))) return true;
    }
    return false;
  };
  return {
    isSensitive,
    hasSensitiveKey,
    value: <T>(v: T) => walk(v) as T,
    // A change under a sensitive segment keeps its path (so the log shows *that* it changed) but not its values.
    changes: (cs) =>
      cs.map((c) =>
        c.path.split('.').some(isSensitive)
          ? { path: c.path, before: mask(c.before), after: mask(c.after) }
          : { path: c.path, before: walk(c.before), after: walk(c.after) },
      ),
  };
}
