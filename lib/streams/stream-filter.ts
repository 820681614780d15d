import { FILTER_KEYS, FILTERS, readFilter } from '@/db/vocabulary/filters';
import type { QueryFilters } from '@/db/queries/audit-where';
import { describeFilters } from '@/lib/view/describe-filters';
import { readViewState } from '@/lib/view/view-state';

export type StreamFilter = { filter: string; filters: QueryFilters; words: string[] };

/** The part of a pasted filter to parse: a viewer URL's query, a bare query string, or a search-box query. */
function toParams(input: string): URLSearchParams {
  const text = input.trim();
  if (text === '') return new URLSearchParams();
  const q = text.indexOf('?');
  if (/^https?:\/\//i.test(text) || text.startsWith('/')) return new URLSearchParams(q >= 0 ? text.slice(q + 1) : '');
  if (text.startsWith('?') || /^[a-z_.]+=/i.test(text)) return new URLSearchParams(text.replace(/^\?/, ''));
  return new URLSearchParams({ q: text });
}

/**
 * A destination's filter through the viewer's one filter schema (lib/view): the same parameters and search-box
 * qualifiers as /audit, time range and paging ignored (a stream covers every entry from its cursor on). The
 * canonical form (filters only, stable order) is what is stored. Unknown or malformed parameters are refused.
 */
export function parseStreamFilter(input: string): { ok: true; value: StreamFilter } | { ok: false; message: string } {
  const { state, issues } = readViewState(toParams(input), 'UTC');
  if (issues.length > 0) return { ok: false, message: issues.map((i) => `${i.param}: ${i.message}`).join('; ') };
  const p = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const { include, exclude } = readFilter(state.filters, key);
    for (const v of include) p.append(FILTERS[key].param, v);
    for (const v of exclude) p.append(`not.${FILTERS[key].param}`, v);
  }
  const filters: QueryFilters = { ...state.filters, from: null, to: null };
  const words = describeFilters({ ...state.filters, range: { from: null, to: null } }, 'UTC').slice(1);
  return { ok: true, value: { filter: p.toString(), filters, words } };
}

/** The stored (canonical) filter as query filters; a stored filter always parses (it was validated when saved). */
export function streamQueryFilters(stored: string): QueryFilters {
  const parsed = parseStreamFilter(stored);
  if (!parsed.ok) throw new Error(`stored stream filter no longer parses: ${parsed.message}`);
  return parsed.value.filters;
}
