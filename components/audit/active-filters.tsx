import { chipText } from '@/lib/view/describe-filters';
import { emptyFilterValues, FILTER_KEYS, readFilter, withFilter } from '@/lib/view/filters';
import { hrefWith, type AuditViewState } from '@/lib/view/search-params';
import { ViewLink } from './view-pending';

/** The active filters as removable chips (each chip is a link to the view without it). */
export function ActiveFilters({ state }: { state: AuditViewState }) {
  const f = state.filters;
  const chips: { label: string; href: string }[] = [];
  for (const key of FILTER_KEYS) {
    const { include, exclude } = readFilter(f, key);
    const without = (i: readonly string[], e: readonly string[]) => hrefWith(state, { filters: withFilter(f, key, i, e) });
    for (const v of include)
      chips.push({
        label: chipText(key, v),
        href: without(
          include.filter((x) => x !== v),
          exclude,
        ),
      });
    for (const v of exclude)
      chips.push({
        label: chipText(key, v, true),
        href: without(
          include,
          exclude.filter((x) => x !== v),
        ),
      });
  }
  if (chips.length === 0) return null;
  return (
    <ul className="flex flex-wrap items-center gap-1.5" aria-label="Active filters">
      {chips.map((c) => (
        <li key={c.label}>
          <ViewLink
            href={c.href}
            className="inline-flex items-center gap-1 rounded-full border border-sky-200 bg-sky-50 px-2.5 py-0.5 text-xs text-sky-900 hover:bg-sky-100 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100"
            aria-label={`Remove filter ${c.label}`}
          >
            {c.label}
            <span aria-hidden>×</span>
          </ViewLink>
        </li>
      ))}
      <li>
        <ViewLink
          href={hrefWith(state, { filters: { ...f, ...emptyFilterValues() } })}
          className="text-xs text-zinc-600 underline dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-white"
        >
          Clear all
        </ViewLink>
      </li>
    </ul>
  );
}
