import { localMidnight } from '@/lib/format/zoned';
import { addFilterValue } from '@/lib/view/filter-values';
import { emptyFilterValues, FILTER_KEYS, FILTERS, readFilter, type AuditFilters, type FilterKey, type FilterValues } from '@/lib/view/filters';
import { isStorableInstant, OUT_OF_RANGE, parseInstant } from '@/lib/view/instant';
import type { ParamIssue } from '@/lib/view/search-params';

/**
 * A GitHub-style query language over the same filter state as the controls:
 * `action:update actor:alice@example.com type:api_key -result:success ip:10.0.0.0/8 field:role
 * created:>=2026-11-01 "quoted phrase"`. Values may be quoted and comma-separated (`action:create,delete`).
 * Every qualifier but `created:` comes from the filter schema.
 */
const TIME_QUALIFIERS = ['created', 'time'] as const;
const QUALIFIERS = new Map<string, FilterKey | 'created'>([
  ...FILTER_KEYS.flatMap((key) => FILTERS[key].qualifiers.map((q) => [q, key] as const)),
  ...TIME_QUALIFIERS.map((q) => [q, 'created'] as const),
]);
const NEGATABLE = FILTER_KEYS.filter((k) => FILTERS[k].negatable).map((k) => FILTERS[k].qualifiers[0]!);
const TEXT_KEY = FILTER_KEYS.find((k) => FILTERS[k].kind === 'text')!;

const TOKEN = /(-?)([a-z_]+):("([^"]*)"|(\S+))|"([^"]*)"|(\S+)/gi;

function parseBound(raw: string, zone: string, endOfDay: boolean): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (m < 1 || m > 12 || d < 1 || d > 31) return null;
    return localMidnight(y, m, d + (endOfDay ? 1 : 0), zone);
  }
  return parseInstant(raw);
}

type Range = { from: Date | null; to: Date | null };

/** `created:<value>` applied to `range`, or what is wrong with it. */
function applyCreated(range: Range, value: string, zone: string): string | null {
  const cmp = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const op = cmp[1] ?? '';
  const span = /^(.+)\.\.(.+)$/.exec(cmp[2]!);
  let next: Partial<Range>;
  if (span) {
    const a = parseBound(span[1]!, zone, false);
    const b = parseBound(span[2]!, zone, true);
    if (!a || !b) return `"created:${value}" is not a date range like 2026-11-01..2026-11-05.`;
    next = { from: a, to: b };
  } else {
    const d = parseBound(cmp[2]!, zone, op === '<=' || op === '>');
    if (!d) return `"created:${value}" needs a date (2026-11-01) or a date and time with zone (2026-11-01T09:00Z).`;
    if (op === '>=' || op === '>') next = { from: d };
    else if (op === '<=' || op === '<') next = { to: d };
    else {
      const day = parseBound(cmp[2]!, zone, false)!;
      next = /^\d{4}-\d{2}-\d{2}$/.test(cmp[2]!) ? { from: day, to: parseBound(cmp[2]!, zone, true) } : { from: day, to: new Date(day.getTime() + 1) };
    }
  }
  if (Object.values(next).some((d) => d && !isStorableInstant(d))) return `"created:${value}" ${OUT_OF_RANGE}.`;
  Object.assign(range, next);
  return null;
}

/** The filters a query describes. The time range is only set when the query has `created:` terms. */
export function parseQuery(query: string, zone: string): { filters: FilterValues & { range: Range | null }; issues: ParamIssue[] } {
  let f = emptyFilterValues();
  let range: Range | null = null;
  const issues: ParamIssue[] = [];
  const issue = (message: string | null) => message && issues.push({ param: 'q', message });

  for (const m of query.slice(0, 2000).matchAll(TOKEN)) {
    const [, neg, rawKey, , quoted, bare, phrase, word] = m;
    if (phrase !== undefined || word !== undefined) {
      const added = addFilterValue(f, TEXT_KEY, phrase ?? word!);
      f = added.filters;
      issue(added.problem);
      continue;
    }
    const key = QUALIFIERS.get(rawKey!.toLowerCase());
    const value = (quoted ?? bare ?? '').trim();
    if (!key) {
      issue(`Unknown qualifier "${rawKey}:" (known: ${[...QUALIFIERS.keys()].join(', ')}).`);
      continue;
    }
    if (!value) {
      issue(`"${rawKey}:" needs a value.`);
      continue;
    }
    const negatable = key !== 'created' && FILTERS[key].negatable;
    if (neg && !negatable) {
      issue(`"-${rawKey}:" can't be negated; only ${NEGATABLE.slice(0, -1).join(', ')} and ${NEGATABLE.at(-1)} can.`);
      continue;
    }
    if (key === 'created') {
      // A bad bound leaves the window as it was, rather than opening it to "from the beginning".
      const next: Range = { ...(range ?? { from: null, to: null }) };
      const problem = applyCreated(next, value, zone);
      if (problem) issue(problem);
      else range = next;
      continue;
    }
    // An unquoted list value is comma-separated (`action:create,delete`); a quoted one is one value.
    const values = FILTERS[key].many && quoted === undefined ? value.split(',') : [value];
    for (const v of values) {
      const added = addFilterValue(f, key, v, Boolean(neg));
      f = added.filters;
      issue(added.problem);
    }
  }
  return { filters: { ...f, range }, issues };
}

const quote = (v: string) => (/[\s",]/.test(v) || v === '' ? `"${v.replace(/"/g, '')}"` : v);
// A bare word that looks like a qualifier is quoted, so it stays text.
const quoteText = (t: string) => (/\s/.test(t) ? `"${t.replace(/"/g, '')}"` : t.includes(':') ? `"${t}"` : t);

/** The query that describes `filters` (the custom time range included as `created:` bounds). */
export function toQuery(filters: AuditFilters): string {
  const parts: string[] = [];
  const text: string[] = [];
  for (const key of FILTER_KEYS) {
    const { include, exclude } = readFilter(filters, key);
    const spec = FILTERS[key];
    if (spec.kind === 'text') {
      text.push(...include.map(quoteText));
      continue;
    }
    const qualifier = spec.qualifiers[0];
    for (const v of include) parts.push(`${qualifier}:${quote(v)}`);
    for (const v of exclude) parts.push(`-${qualifier}:${quote(v)}`);
  }
  if (!('preset' in filters.range)) {
    if (filters.range.from) parts.push(`created:>=${filters.range.from.toISOString()}`);
    if (filters.range.to) parts.push(`created:<${filters.range.to.toISOString()}`);
  }
  return [...parts, ...text].join(' ');
}
