import { formatInZone } from '@/lib/format/time-zone';
import { FACET_LABELS, FACETS, type AuditFilters } from '@/lib/view/filters';
import type { Sort } from '@/lib/view/search-params';
import { RANGE_LABELS } from '@/lib/view/time-range';

const list = (values: string[], joiner: string) => (values.length <= 1 ? values[0] ?? '' : `${values.slice(0, -1).join(', ')} ${joiner} ${values[values.length - 1]}`);

/** The filters in words, one line each: for the empty state, export headers and the "Filters Applied" sheet. */
export function describeFilters(f: AuditFilters, zone: string): string[] {
  const lines: string[] = [];
  if ('preset' in f.range) lines.push(`Time: ${RANGE_LABELS[f.range.preset]} (${zone})`);
  else {
    const from = f.range.from ? formatInZone(f.range.from, zone) : 'the beginning';
    const to = f.range.to ? formatInZone(f.range.to, zone) : 'now';
    lines.push(`Time: from ${from} to ${to} (${zone})`);
  }
  for (const facet of FACETS) {
    if (f.include[facet].length) lines.push(`${FACET_LABELS[facet]} is ${list(f.include[facet], 'or')}`);
    if (f.exclude[facet].length) lines.push(`${FACET_LABELS[facet]} is not ${list(f.exclude[facet], 'nor')}`);
  }
  if (f.objectId) lines.push(`Object id is ${f.objectId}`);
  if (f.eventId) lines.push(`Event id is ${f.eventId}`);
  if (f.requestId) lines.push(`Request id is ${f.requestId}`);
  if (f.ip) lines.push(f.ip.includes('/') ? `IP is in ${f.ip}` : `IP is ${f.ip}`);
  if (f.fields.length) lines.push(`Changed field is ${list(f.fields, 'or')}`);
  for (const t of f.text) lines.push(`Text contains “${t}”`);
  return lines;
}

const SORT_WORDS: Record<Sort['column'], string> = { time: 'time', actor: 'user', ip: 'IP', action: 'action', type: 'object type', object: 'object id', result: 'result', source: 'source' };

export function describeSort(sort: Sort): string {
  if (sort.column === 'time') return sort.dir === 'desc' ? 'Newest first' : 'Oldest first';
  return `By ${SORT_WORDS[sort.column]} (${sort.dir === 'asc' ? 'A to Z' : 'Z to A'}), then newest first`.replace('then newest first', sort.dir === 'asc' ? 'then oldest first' : 'then newest first');
}
