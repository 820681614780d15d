import { decodeCursor, encodeCursor, type Cursor } from './cursor';

/**
 * The one definition of the audit view's URL state: the page, the table, exports and the API all
 * parse and serialize through here. Unknown or malformed parameters become `issues` (shown inline)
 * and are dropped, so they never reach SQL.
 */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 50;

export type AuditViewState = { size: PageSize; cursor: Cursor | null };
export type ParamIssue = { param: string; message: string };

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

const KNOWN = new Set(['size', 'cursor']);

function entries(raw: RawParams): [string, string][] {
  if (raw instanceof URLSearchParams) return [...raw.entries()];
  return Object.entries(raw).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]]));
}

export function parseAuditSearchParams(raw: RawParams): { state: AuditViewState; issues: ParamIssue[] } {
  const state: AuditViewState = { size: DEFAULT_PAGE_SIZE, cursor: null };
  const issues: ParamIssue[] = [];
  const seen = new Set<string>();
  for (const [key, value] of entries(raw)) {
    if (!KNOWN.has(key)) {
      issues.push({ param: key, message: `Unknown parameter "${key}" was ignored.` });
      continue;
    }
    if (seen.has(key)) {
      issues.push({ param: key, message: `Parameter "${key}" was given more than once; the first value was used.` });
      continue;
    }
    seen.add(key);
    if (key === 'size') {
      const n = Number(value);
      if ((PAGE_SIZES as readonly number[]).includes(n)) state.size = n as PageSize;
      else issues.push({ param: key, message: `Page size "${value}" is not one of ${PAGE_SIZES.join(', ')}; showing ${DEFAULT_PAGE_SIZE}.` });
    } else if (key === 'cursor') {
      const c = decodeCursor(value);
      if (c) state.cursor = c;
      else issues.push({ param: key, message: 'The page position in the link is malformed; showing the newest events instead.' });
    }
  }
  return { state, issues };
}

/** Canonical query string (defaults omitted, stable order), e.g. for links and "copy link". */
export function serializeAuditSearchParams(state: Partial<AuditViewState>): string {
  const p = new URLSearchParams();
  if (state.size && state.size !== DEFAULT_PAGE_SIZE) p.set('size', String(state.size));
  if (state.cursor) p.set('cursor', encodeCursor(state.cursor));
  const s = p.toString();
  return s ? `?${s}` : '';
}
