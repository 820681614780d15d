import type { TimeRange } from '@/lib/view/time-range';

/** Multi-select filters; their option lists are every value the organization has ever recorded. */
export const FACETS = ['action', 'type', 'actor', 'module', 'project', 'source', 'result'] as const;
export type Facet = (typeof FACETS)[number];

export const FACET_LABELS: Record<Facet, string> = {
  action: 'Action',
  type: 'Object type',
  actor: 'User',
  module: 'Module',
  project: 'Project',
  source: 'Source',
  result: 'Result',
};

/** Everything that narrows the set of events (sort and paging are view state, not filters). */
export type AuditFilters = {
  range: TimeRange;
  include: Record<Facet, string[]>;
  exclude: Record<Facet, string[]>;
  objectId: string | null;
  eventId: string | null;
  requestId: string | null;
  /** An address or CIDR block, already validated. */
  ip: string | null;
  /** Changed-field paths; a parent path (`limits`) matches its children (`limits.rate`). */
  fields: string[];
  /** Free-text terms and phrases, all of which must match. */
  text: string[];
};

export function emptyFacets(): Record<Facet, string[]> {
  return { action: [], type: [], actor: [], module: [], project: [], source: [], result: [] };
}
