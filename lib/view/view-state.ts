import { parseQuery } from '@/lib/view/query-language';
import { parseAuditSearchParams, type AuditViewState, type ParamIssue } from '@/lib/view/search-params';

/**
 * URL -> view state for every consumer (page, exports, API): the structured parameters, with a `q`
 * query (if any) replacing the filters it describes. `hadQuery` tells the page to redirect to the
 * canonical structured URL, so the controls and the query box always show one state.
 */
export function readViewState(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
  zone: string,
): { state: AuditViewState; issues: ParamIssue[]; hadQuery: boolean } {
  const { state, issues, query } = parseAuditSearchParams(params);
  if (query === null) return { state, issues, hadQuery: false };
  const parsed = parseQuery(query, zone);
  const { range, ...rest } = parsed.filters;
  state.filters = { ...state.filters, ...rest, range: range ?? state.filters.range };
  state.after = state.before = null;
  return { state, issues: [...issues, ...parsed.issues], hadQuery: true };
}
