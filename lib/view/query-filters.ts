import type { QueryFilters } from '@/db/queries/audit-where';
import type { AuditFilters } from '@/lib/view/filters';
import { resolveRange } from '@/lib/view/time-range';

export type { QueryFilters };

/** Filters with the time range made concrete: presets resolved at one `now` in the viewer's zone. */
export function resolveQueryFilters(filters: AuditFilters, now: Date, zone: string): QueryFilters {
  const { range, ...rest } = filters;
  return { ...rest, ...resolveRange(range, now, zone) };
}
