import { formatInZone } from '@/lib/format/time-zone';
import { FILTER_KEYS, FILTERS, readFilter, type AuditFilters, type FilterKey } from '@/lib/view/filters';
import type { Sort } from '@/lib/view/search-params';
import { RANGE_LABELS } from '@/lib/view/time-range';

const list = (values: readonly string[], joiner: string) =>
  values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} ${joiner} ${values[values.length - 1]}`;

/** The filters in words, one line each: for the empty state, export headers and the "Filters Applied" sheet. */
export function describeFilters(f: AuditFilters, zone: string): string[] {
  const lines: string[] = [];
  if ('preset' in f.range) lines.push(`Time: ${RANGE_LABELS[f.range.preset]} (${zone})`);
  else {
    const from = f.range.from ? formatInZone(f.range.from, zone) : 'the beginning';
    const to = f.range.to ? formatInZone(f.range.to, zone) : 'now';
    lines.push(`Time: from ${from} to ${to} (${zone})`);
  }
  for (const key of FILTER_KEYS) {
    const { include, exclude } = readFilter(f, key);
    const { kind, label } = FILTERS[key];
    if (kind === 'cidr') for (const v of include) lines.push(v.includes('/') ? `${label} is in ${v}` : `${label} is ${v}`);
    else if (kind === 'text') for (const v of include) lines.push(`${label} contains “${v}”`);
    else {
      if (include.length) lines.push(`${label} is ${list(include, 'or')}`);
      if (exclude.length) lines.push(`${label} is not ${list(exclude, 'nor')}`);
    }
  }
  return lines;
}

/** A removable chip's text for one value of filter `key` ("Action: delete", "Result is not success"). */
export function chipText(key: FilterKey, value: string, negated = false): string {
  const { kind, label } = FILTERS[key];
  if (negated) return `${label} is not ${value}`;
  if (kind === 'cidr') return `${label} in ${value}`;
  if (kind === 'text') return `${label}: “${value}”`;
  return `${label}: ${value}`;
}

const SORT_WORDS: Record<Sort['column'], string> = {
  time: 'time',
  actor: 'user',
  ip: 'IP',
  action: 'action',
  type: 'object type',
  object: 'object id',
  result: 'result',
  source: 'source',
};

export function describeSort(sort: Sort): string {
  if (sort.column === 'time') return sort.dir === 'desc' ? 'Newest first' : 'Oldest first';
  return `By ${SORT_WORDS[sort.column]} (${sort.dir === 'asc' ? 'A to Z' : 'Z to A'}), then newest first`.replace(
    'then newest first',
    sort.dir === 'asc' ? 'then oldest first' : 'then newest first',
  );
}
