import { emptyFilterValues, type FilterValues } from '@/db/vocabulary/filters';
import { DEFAULT_RANGE, type TimeRange } from '@/lib/view/time-range';

export {
  FACETS,
  FILTER_KEYS,
  FILTERS,
  emptyFilterValues,
  readFilter,
  withFilter,
  type Facet,
  type FilterKey,
  type FilterSpec,
  type FilterValues,
  type NegatableFilter,
} from '@/db/vocabulary/filters';

/** Everything that narrows the set of events (sort and paging are view state, not filters). */
export type AuditFilters = FilterValues & { range: TimeRange };

/** The default view's filters: the default time range and nothing else. */
export function defaultFilters(): AuditFilters {
  return { range: { preset: DEFAULT_RANGE }, ...emptyFilterValues() };
}
