import { FILTERS, readFilter, withFilter, type FilterKey, type FilterSpec, type FilterValues, type ValueRule } from '@/db/vocabulary/filters';
import { isUuid } from '@/lib/ids';
import { parseIpFilter } from '@/lib/view/ip-filter';

/** Most values one list filter takes unless its entry says otherwise. */
export const MAX_FILTER_VALUES = 50;

/** Each rule normalises a trimmed, non-empty value, or returns null when it is not one. */
const RULES: Record<ValueRule, (value: string) => string | null> = {
  any: (v) => v,
  uuid: (v) => (isUuid(v) ? v.toLowerCase() : null),
  'ip-or-cidr': parseIpFilter,
  'field-path': (v) => (/^[\w$@-]+(\.[\w$@-]+)*$/.test(v) ? v : null),
};

// C0 controls except tab (PostgreSQL rejects NUL outright), and UTF-16 halves without their pair.
const CONTROL = /[\u0000-\u0008\u000a-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` cannot be used as text at all (a control character, broken Unicode), or null if it can. */
export function unusableText(value: string): string | null {
  if (CONTROL.test(value)) return 'contains a control character';
  if (LONE_SURROGATE.test(value)) return 'contains broken Unicode (a lone surrogate)';
  return null;
}

/**
 * `f` with one more value for filter `key` (into its excluded list when `negated`), or the reason it was
 * refused. Empty values and repeats change nothing; a single-value filter takes the latest value.
 */
export function addFilterValue<F extends FilterValues>(f: F, key: FilterKey, raw: string, negated = false): { filters: F; problem: string | null } {
  const spec: FilterSpec = FILTERS[key];
  const value = raw.trim();
  if (!value) return { filters: f, problem: null };
  const bad = unusableText(value);
  if (bad) return { filters: f, problem: `The value of "${spec.param}" ${bad}.` };
  const normal = RULES[spec.rule](value);
  if (normal === null) return { filters: f, problem: `"${value}" ${spec.invalid ?? 'is not allowed'}.` };
  const current = readFilter(f, key);
  const list = negated ? current.exclude : current.include;
  if (list.includes(normal)) return { filters: f, problem: null };
  if (!spec.many) return { filters: withFilter(f, key, [normal]), problem: null };
  const max = spec.max ?? MAX_FILTER_VALUES;
  if (list.length >= max) return { filters: f, problem: `At most ${max} values for "${negated ? 'not.' : ''}${spec.param}".` };
  const next = [...list, normal];
  return { filters: negated ? withFilter(f, key, current.include, next) : withFilter(f, key, next, current.exclude), problem: null };
}
