import type { Facet } from '@/lib/view/filters';
import { FACETS } from '@/lib/view/filters';
import type { AuditViewState } from '@/lib/view/search-params';
import { FacetFilter } from './facet-filter';
import { MoreFilters } from './more-filters';
import { RangeFilter } from './range-filter';

/** The filter controls; they and the query box edit the same URL state. */
export function FilterBar({ state, options }: { state: AuditViewState; options: Record<Facet, string[]> }) {
  return (
    <div className="flex flex-col gap-2 md:flex-row md:flex-wrap md:items-center" role="group" aria-label="Filters">
      <RangeFilter key={JSON.stringify(state.filters.range)} state={state} />
      {/* A row that scrolls sideways on a phone; on wider screens one group that moves to the next line as a whole
          (with a custom range open), so "More filters" never ends up alone on a line. */}
      <div className="flex items-center gap-2 max-md:overflow-x-auto max-md:px-0.5 max-md:py-1 md:flex-wrap">
        {FACETS.map((facet) => (
          <FacetFilter key={facet} facet={facet} options={options[facet]} state={state} />
        ))}
        <MoreFilters state={state} />
      </div>
    </div>
  );
}
