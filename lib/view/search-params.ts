import { decodeCursor, encodeCursor, type Cursor } from '@/lib/view/cursor';
import { emptyFacets, FACETS, type AuditFilters, type Facet } from '@/lib/view/filters';
import { parseIpFilter } from '@/lib/view/ip-filter';
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

export const COLUMNS = ['time', 'actor', 'ip', 'action', 'type', 'object', 'message', 'result', 'source'] as const;
export type Column = (typeof COLUMNS)[number];
export { SORT_COLUMNS, DEFAULT_SORT, type Sort, type SortColumn };

export type AuditViewState = {
  filters: AuditFilters;
  sort: Sort;
  size: PageSize;
  /** Keyset position: `after` pages to older rows (in sort order), `before` back to newer ones. */
  after: Cursor | null;
  before: Cursor | null;
  /** Visible columns; null means the default (all). */
  cols: Column[] | null;
  tz: 'local' | 'utc';
  /** The event opened in the detail view. */
  event: string | null;
};
export type ParamIssue = { param: string; message: string };

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

const MAX_VALUE = 512;
const MAX_VALUES = 50;

export function defaultFilters(): AuditFilters {
  return { range: { preset: DEFAULT_RANGE }, include: emptyFacets(), exclude: emptyFacets(), objectId: null, eventId: null, requestId: null, ip: null, fields: [], text: [] };
}

export function defaultViewState(): AuditViewState {
  return { filters: defaultFilters(), sort: DEFAULT_SORT, size: DEFAULT_PAGE_SIZE, after: null, before: null, cols: null, tz: 'local', event: null };
}

function entries(raw: RawParams): [string, string][] {
  if (raw instanceof URLSearchParams) return [...raw.entries()];
  return Object.entries(raw).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string])));
}

/** ISO 8601 instant with an offset or Z (2026-11-21T10:00:00Z, 2026-11-21T11:00+01:00). */
export function parseInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const isFacet = (k: string): k is Facet => (FACETS as readonly string[]).includes(k);

/** Parses a query string (or Next's searchParams object) into the view state, collecting issues. */
export function parseAuditSearchParams(raw: RawParams): { state: AuditViewState; issues: ParamIssue[]; query: string | null } {
  const state = defaultViewState();
  const f = state.filters;
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
    const single = ['range', 'from', 'to', 'object', 'id', 'request', 'ip', 'sort', 'size', 'after', 'before', 'cols', 'tz', 'event', 'q'];
    if (single.includes(key)) {
      if (once.has(key)) {
        issue(key, `"${key}" was given more than once; the first value is used.`);
        continue;
      }
      once.add(key);
    }
    const facetKey = key.startsWith('not.') ? key.slice(4) : key;
    if (isFacet(facetKey)) {
      const list = key.startsWith('not.') ? f.exclude[facetKey] : f.include[facetKey];
      if (!value) continue;
      if (list.length >= MAX_VALUES) issue(key, `At most ${MAX_VALUES} values for "${key}".`);
      else if (!list.includes(value)) list.push(value);
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
        else if (key === 'from') from = d;
        else to = d;
        break;
      }
      case 'object':
        if (value) f.objectId = value;
        break;
      case 'request':
        if (value) f.requestId = value;
        break;
      case 'id':
        if (isUuid(value)) f.eventId = value.toLowerCase();
        else issue(key, `"${value}" is not an event id.`);
        break;
      case 'ip': {
        const ip = parseIpFilter(value);
        if (ip) f.ip = ip;
        else issue(key, `"${value}" is not an IP address or CIDR range (like 10.0.0.0/8 or 2001:db8::/32).`);
        break;
      }
      case 'field':
        if (/^[\w$@-]+(\.[\w$@-]+)*$/.test(value) && !f.fields.includes(value)) f.fields.push(value);
        else if (!f.fields.includes(value)) issue(key, `"${value}" is not a field path (like role or limits.rate).`);
        break;
      case 'text':
        if (value && !f.text.includes(value) && f.text.length < 10) f.text.push(value);
        break;
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
  if ((state.after || state.before) && (state.after ?? state.before)!.v === undefined && state.sort.column !== 'time') {
    issue('after', 'The page position does not match the sort order; showing the first page.');
    state.after = state.before = null;
  }
  if (from || to) {
    if (from && to && from >= to) {
      issue('to', '"to" must be after "from"; showing the last 24 hours.');
    } else {
      f.range = { from, to };
      if (preset) issue('range', 'Both a preset and from/to were given; from/to is used.');
    }
  } else if (preset) {
    f.range = { preset };
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
  for (const facet of FACETS) {
    for (const v of f.include[facet]) p.append(facet, v);
    for (const v of f.exclude[facet]) p.append(`not.${facet}`, v);
  }
  if (f.objectId) p.set('object', f.objectId);
  if (f.eventId) p.set('id', f.eventId);
  if (f.requestId) p.set('request', f.requestId);
  if (f.ip) p.set('ip', f.ip);
  for (const v of f.fields) p.append('field', v);
  for (const v of f.text) p.append('text', v);
  if (state.sort.column !== DEFAULT_SORT.column || state.sort.dir !== DEFAULT_SORT.dir) p.set('sort', `${state.sort.column}.${state.sort.dir}`);
  if (state.size !== DEFAULT_PAGE_SIZE) p.set('size', String(state.size));
  if (state.after) p.set('after', encodeCursor(state.after));
  if (state.before) p.set('before', encodeCursor(state.before));
  if (state.cols && state.cols.length !== COLUMNS.length) p.set('cols', state.cols.join(','));
  if (state.tz !== 'local') p.set('tz', state.tz);
  if (state.event) p.set('event', state.event);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A link to the same view with some state changed; paging and the open detail reset unless given. */
export function hrefWith(state: AuditViewState, patch: Partial<AuditViewState>, path = '/audit'): string {
  return path + serializeAuditSearchParams({ ...state, after: null, before: null, event: null, ...patch });
}

/** True when the filters narrow anything beyond the default time range. */
export function hasActiveFilters(f: AuditFilters): boolean {
  return (
    FACETS.some((k) => f.include[k].length > 0 || f.exclude[k].length > 0) ||
    Boolean(f.objectId || f.eventId || f.requestId || f.ip) ||
    f.fields.length > 0 ||
    f.text.length > 0
  );
}
