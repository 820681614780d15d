import { cursorFitsSort, decodeCursor, encodeCursor, type Cursor } from '@/lib/view/cursor';
import { addFilterValue, unusableText } from '@/lib/view/filter-values';
import { defaultFilters, FILTER_KEYS, FILTERS, readFilter, type AuditFilters, type FilterKey } from '@/lib/view/filters';
import { isStorableInstant, OUT_OF_RANGE, parseInstant } from '@/lib/view/instant';
import { DEFAULT_RANGE, RANGE_PRESETS, type RangePreset } from '@/lib/view/time-range';
import { isUuid } from '@/lib/ids';
import { DEFAULT_SORT, SORT_COLUMNS, type Sort, type SortColumn } from '@/db/vocabulary/sort';

/**
 * The one definition of the audit view's URL state: the page, the table, exports and the API all parse
 * and serialize through here. Unknown or malformed parameters become `issues` and are dropped, so they
 * never reach SQL. Runs in the browser too (the table builds its links with it).
 */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 50;

/** Every column the table can show, in table order; the Columns menu picks among them. */
export const COLUMNS = [
  'time',
  'actor',
  'actor_id',
  'ip',
  'action',
  'type',
  'object',
  'module',
  'project',
  'message',
  'changes',
  'data',
  'result',
  'source',
  'request_id',
] as const;
export type Column = (typeof COLUMNS)[number];
/** The columns shown when the URL names none. */
export const DEFAULT_COLUMNS: readonly Column[] = ['time', 'actor', 'ip', 'action', 'type', 'object', 'message', 'result', 'source'];
export { SORT_COLUMNS, DEFAULT_SORT, type Sort, type SortColumn };

export type AuditViewState = {
  filters: AuditFilters;
  sort: Sort;
  size: PageSize;
  /** Keyset position: `after` pages to older rows (in sort order), `before` back to newer ones. */
  after: Cursor | null;
  before: Cursor | null;
  /** Visible columns; null means the default (DEFAULT_COLUMNS). */
  cols: Column[] | null;
  tz: 'local' | 'utc';
  /** The event opened in the detail view. */
  event: string | null;
};
export type ParamIssue = { param: string; message: string };

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

const MAX_VALUE = 512;

export { defaultFilters };

export function defaultViewState(): AuditViewState {
  return { filters: defaultFilters(), sort: DEFAULT_SORT, size: DEFAULT_PAGE_SIZE, after: null, before: null, cols: null, tz: 'local', event: null };
}

function entries(raw: RawParams): [string, string][] {
  if (raw instanceof URLSearchParams) return [...raw.entries()];
  return Object.entries(raw).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string])));
}

/** URL parameter -> filter: `<param>`, and `not.<param>` for the negatable ones. */
const FILTER_PARAMS = new Map<string, { key: FilterKey; negated: boolean }>(
  FILTER_KEYS.flatMap((key) => [
    [FILTERS[key].param, { key, negated: false }] as const,
    ...(FILTERS[key].negatable ? [[`not.${FILTERS[key].param}`, { key, negated: true }] as const] : []),
  ]),
);

/** Parameters that take one value; a repeat is reported and ignored. */
const SINGLE = new Set([
  'range',
  'from',
  'to',
  'sort',
  'size',
  'after',
  'before',
  'cols',
  'tz',
  'event',
  'q',
  ...FILTER_KEYS.filter((k) => !FILTERS[k].many).map((k) => FILTERS[k].param),
]);

/** Parses a query string (or Next's searchParams object) into the view state, collecting issues. */
export function parseAuditSearchParams(raw: RawParams): { state: AuditViewState; issues: ParamIssue[]; query: string | null } {
  const state = defaultViewState();
  const issues: ParamIssue[] = [];
  const once = new Set<string>();
  let query: string | null = null;
  let from: Date | null = null;
  let to: Date | null = null;
  let preset: RangePreset | null = null;
  const issue = (param: string, message: string) => issues.push({ param, message });

  for (const [key, rawValue] of entries(raw)) {
    const value = rawValue.trim();
    if (value.length > MAX_VALUE) {
      issue(key, `The value of "${key}" is longer than ${MAX_VALUE} characters.`);
      continue;
    }
    const bad = unusableText(value);
    if (bad) {
      issue(key, `The value of "${key}" ${bad}; it was ignored.`);
      continue;
    }
    if (SINGLE.has(key)) {
      if (once.has(key)) {
        issue(key, `"${key}" was given more than once; the first value is used.`);
        continue;
      }
      once.add(key);
    }
    const filter = FILTER_PARAMS.get(key);
    if (filter) {
      const { filters, problem } = addFilterValue(state.filters, filter.key, value, filter.negated);
      state.filters = filters;
      if (problem) issue(key, problem);
      continue;
    }
    switch (key) {
      case 'range':
        if ((RANGE_PRESETS as readonly string[]).includes(value)) preset = value as RangePreset;
        else issue(key, `Unknown time range "${value}"; showing the last 24 hours.`);
        break;
      case 'from':
      case 'to': {
        const d = parseInstant(value);
        if (!d) issue(key, `"${key}" must be a date and time with a zone, like 2026-11-21T09:00:00Z.`);
        else if (!isStorableInstant(d)) issue(key, `"${key}" ${OUT_OF_RANGE}; use a date and time like 2026-11-21T09:00:00Z.`);
        else if (key === 'from') from = d;
        else to = d;
        break;
      }
      case 'sort': {
        const [column, dir] = value.split('.');
        if ((SORT_COLUMNS as readonly string[]).includes(column ?? '') && (dir === 'asc' || dir === 'desc')) state.sort = { column: column as SortColumn, dir };
        else issue(key, `Cannot sort by "${value}"; sorted by time, newest first.`);
        break;
      }
      case 'size': {
        const n = Number(value);
        if ((PAGE_SIZES as readonly number[]).includes(n)) state.size = n as PageSize;
        else issue(key, `Page size "${value}" is not one of ${PAGE_SIZES.join(', ')}; showing ${DEFAULT_PAGE_SIZE}.`);
        break;
      }
      case 'after':
      case 'before': {
        const c = decodeCursor(value);
        if (c) state[key] = c;
        else issue(key, 'The page position in the link is malformed; showing the first page.');
        break;
      }
      case 'cols': {
        const cols = value.split(',').filter(Boolean);
        const bad = cols.filter((c) => !(COLUMNS as readonly string[]).includes(c));
        if (bad.length) issue(key, `Unknown column(s): ${bad.join(', ')}.`);
        const good = COLUMNS.filter((c) => cols.includes(c));
        if (good.length) state.cols = good;
        break;
      }
      case 'tz':
        if (value === 'utc' || value === 'local') state.tz = value;
        else issue(key, `"tz" must be utc or local.`);
        break;
      case 'event':
        if (isUuid(value)) state.event = value.toLowerCase();
        else issue(key, `"${value}" is not an event id.`);
        break;
      case 'q':
        query = value;
        break;
      default:
        issue(key, `Unknown parameter "${key}".`);
    }
  }
  if (state.after && state.before) {
    issue('before', 'A link can page forward or back, not both; paging forward.');
    state.before = null;
  }
  if ((state.after || state.before) && !cursorFitsSort((state.after ?? state.before)!, state.sort)) {
    issue('after', 'The page position does not match the sort order; showing the first page.');
    state.after = state.before = null;
  }
  if (from || to) {
    if (from && to && from >= to) {
      issue('to', '"to" must be after "from"; showing the last 24 hours.');
    } else {
      state.filters.range = { from, to };
      if (preset) issue('range', 'Both a preset and from/to were given; from/to is used.');
    }
  } else if (preset) {
    state.filters.range = { preset };
  }
  return { state, issues, query };
}

/** Canonical query string (defaults omitted, stable order) for links, "copy link" and saved views. */
export function serializeAuditSearchParams(state: AuditViewState): string {
  const p = new URLSearchParams();
  const f = state.filters;
  if ('preset' in f.range) {
    if (f.range.preset !== DEFAULT_RANGE) p.set('range', f.range.preset);
  } else if (!f.range.from && !f.range.to) {
    p.set('range', 'all');
  } else {
    if (f.range.from) p.set('from', f.range.from.toISOString());
    if (f.range.to) p.set('to', f.range.to.toISOString());
  }
  for (const key of FILTER_KEYS) {
    const { include, exclude } = readFilter(f, key);
    for (const v of include) p.append(FILTERS[key].param, v);
    for (const v of exclude) p.append(`not.${FILTERS[key].param}`, v);
  }
  if (state.sort.column !== DEFAULT_SORT.column || state.sort.dir !== DEFAULT_SORT.dir) p.set('sort', `${state.sort.column}.${state.sort.dir}`);
  if (state.size !== DEFAULT_PAGE_SIZE) p.set('size', String(state.size));
  if (state.after) p.set('after', encodeCursor(state.after));
  if (state.before) p.set('before', encodeCursor(state.before));
  if (state.cols && !sameColumns(state.cols, DEFAULT_COLUMNS)) p.set('cols', state.cols.join(','));
  if (state.tz !== 'local') p.set('tz', state.tz);
  if (state.event) p.set('event', state.event);
  const s = p.toString();
  return s ? `?${s}` : '';
}

const sameColumns = (a: readonly Column[], b: readonly Column[]) => a.length === b.length && a.every((c) => b.includes(c));

/** The columns a view shows, in table order. */
export function visibleColumns(state: Pick<AuditViewState, 'cols'>): readonly Column[] {
  return state.cols ?? DEFAULT_COLUMNS;
}

/** A link to the same view with some state changed; paging and the open detail reset unless given. */
export function hrefWith(state: AuditViewState, patch: Partial<AuditViewState>, path = '/audit'): string {
  return path + serializeAuditSearchParams({ ...state, after: null, before: null, event: null, ...patch });
}
