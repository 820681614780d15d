/**
 * The audit log's filters, declared once. The URL parser and serializer, the query language, the chips, the
 * "More filters" form, the filter descriptions and the where clause are all derived from this list, so a new
 * filter is one entry here (plus its test). Pure data and types: both db/ and lib/ import it.
 * The time range is not in this list: presets, zones and bounds make it a filter of its own kind.
 */

/**
 * How a filter matches, which decides its SQL and its wording:
 * `facet` a multi-select whose options are every recorded value (audit_facets); `exact` equality with typed
 * values; `cidr` the address is inside a range; `changed-field` the change touched a path; `text` substring search.
 */
export const FILTER_KINDS = ['facet', 'exact', 'cidr', 'changed-field', 'text'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

/** What a filter may match against; db/queries/audit-where.ts maps each to exactly one column or expression. */
export const FILTER_COLUMNS = [
  'action',
  'object_type',
  'actor_label',
  'actor_id',
  'module',
  'project',
  'source',
  'result',
  'object_id',
  'id',
  'request_id',
  'ip',
  'changed_fields',
  'search',
] as const;
export type FilterColumn = (typeof FILTER_COLUMNS)[number];

/** How a value is checked and normalised before it joins the state; lib/view/filter-values.ts implements each. */
export const VALUE_RULES = ['any', 'uuid', 'ip-or-cidr', 'field-path'] as const;
export type ValueRule = (typeof VALUE_RULES)[number];

type Common = {
  /** URL parameter; `not.<param>` excludes when the filter is negatable. */
  param: string;
  column: FilterColumn;
  /** Names the filter in chips, descriptions and buttons ("Object type: flow"). */
  label: string;
  /** Query-language qualifiers, the canonical one first; none for free text (bare words). */
  qualifiers: readonly string[];
  /** A valid value: the round-trip test uses it for every filter. */
  example: string;
  /** Most values the filter takes (lists only; default 50). */
  max?: number;
  /** Shown in the "More filters" form (facets have their own menus). */
  form?: { label: string; placeholder: string };
};

/** Values are checked by `rule`; `invalid` completes the sentence `"<value>" …` when one fails. */
type Checked = { rule: 'any'; invalid?: never } | { rule: Exclude<ValueRule, 'any'>; invalid: string };

/** A list of values matched as any-of, optionally with an excluded list (`not.<param>`, `-qualifier:`). */
type ListShape = { many: true; negatable: boolean };
/** One value (a repeated parameter is reported, not merged). */
type SingleShape = { many: false; negatable: false };

export type FilterSpec = Common &
  Checked &
  (
    | ({ kind: 'facet' } & { many: true; negatable: true })
    | ({ kind: 'exact' } & (ListShape | SingleShape))
    | ({ kind: 'cidr' } & SingleShape)
    | ({ kind: 'changed-field' } & { many: true; negatable: false })
    | ({ kind: 'text'; qualifiers: readonly [] } & { many: true; negatable: false })
  );

/** Declaration order is the order of URL parameters, query terms, chips and descriptions. */
export const FILTERS = {
  action: {
    param: 'action',
    kind: 'facet',
    column: 'action',
    many: true,
    negatable: true,
    label: 'Action',
    qualifiers: ['action'],
    rule: 'any',
    example: 'update',
  },
  type: {
    param: 'type',
    kind: 'facet',
    column: 'object_type',
    many: true,
    negatable: true,
    label: 'Object type',
    qualifiers: ['type'],
    rule: 'any',
    example: 'api_key',
  },
  actor: {
    param: 'actor',
    kind: 'facet',
    column: 'actor_label',
    many: true,
    negatable: true,
    label: 'User',
    qualifiers: ['actor', 'user'],
    rule: 'any',
    example: 'alice@acme.test',
  },
  module: {
    param: 'module',
    kind: 'facet',
    column: 'module',
    many: true,
    negatable: true,
    label: 'Module',
    qualifiers: ['module'],
    rule: 'any',
    example: 'Networking',
  },
  project: {
    param: 'project',
    kind: 'facet',
    column: 'project',
    many: true,
    negatable: true,
    label: 'Project',
    qualifiers: ['project'],
    rule: 'any',
    example: 'payments',
  },
  source: {
    param: 'source',
    kind: 'facet',
    column: 'source',
    many: true,
    negatable: true,
    label: 'Source',
    qualifiers: ['source'],
    rule: 'any',
    example: 'api',
  },
  result: {
    param: 'result',
    kind: 'facet',
    column: 'result',
    many: true,
    negatable: true,
    label: 'Result',
    qualifiers: ['result'],
    rule: 'any',
    example: 'failure',
  },
  actorId: {
    param: 'actor_id',
    kind: 'exact',
    column: 'actor_id',
    many: true,
    negatable: true,
    label: 'User id',
    qualifiers: ['actorid', 'actor_id'],
    rule: 'any',
    example: 'u_42',
    form: { label: 'User id (actor id, not the email)', placeholder: 'a user or API key id' },
  },
  objectId: {
    param: 'object',
    kind: 'exact',
    column: 'object_id',
    many: false,
    negatable: false,
    label: 'Object id',
    qualifiers: ['object'],
    rule: 'any',
    example: 'flo_4fed5763c9',
    form: { label: 'Object id (record primary key)', placeholder: 'flo_4fed5763c9' },
  },
  eventId: {
    param: 'id',
    kind: 'exact',
    column: 'id',
    many: false,
    negatable: false,
    label: 'Event id',
    qualifiers: ['id', 'event'],
    rule: 'uuid',
    invalid: 'is not an event id',
    example: '019a8f3c-1d2e-7abc-8def-0123456789ab',
    form: { label: 'Event id', placeholder: '019a…' },
  },
  requestId: {
    param: 'request',
    kind: 'exact',
    column: 'request_id',
    many: false,
    negatable: false,
    label: 'Request id',
    qualifiers: ['request'],
    rule: 'any',
    example: 'req_9',
    form: { label: 'Request id', placeholder: 'req_…' },
  },
  ip: {
    param: 'ip',
    kind: 'cidr',
    column: 'ip',
    many: false,
    negatable: false,
    label: 'IP',
    qualifiers: ['ip'],
    rule: 'ip-or-cidr',
    invalid: 'is not an IP address or CIDR range (like 10.0.0.0/8 or 2001:db8::/32)',
    example: '2001:db8::/32',
    form: { label: 'IP address or CIDR range', placeholder: '10.0.0.0/8 or 2001:db8::/32' },
  },
  fields: {
    param: 'field',
    kind: 'changed-field',
    column: 'changed_fields',
    many: true,
    negatable: false,
    label: 'Changed field',
    qualifiers: ['field'],
    rule: 'field-path',
    invalid: 'is not a field path (like role or limits.rate)',
    example: 'limits.rate',
    form: { label: 'Changed field', placeholder: 'role or limits.rate' },
  },
  text: {
    param: 'text',
    kind: 'text',
    column: 'search',
    many: true,
    negatable: false,
    label: 'Text',
    qualifiers: [],
    rule: 'any',
    example: 'quoted phrase',
    max: 10,
  },
} as const satisfies Record<string, FilterSpec>;

type Filters = typeof FILTERS;
export type FilterKey = keyof Filters;
export const FILTER_KEYS = Object.keys(FILTERS) as FilterKey[];

/** Filters with an excluded list; their values live in `include` / `exclude`. */
export type NegatableFilter = { [K in FilterKey]: Filters[K]['negatable'] extends true ? K : never }[FilterKey];
type PlainFilter = Exclude<FilterKey, NegatableFilter>;

/** The multi-selects whose option lists come from audit_facets. */
export type Facet = { [K in FilterKey]: Filters[K]['kind'] extends 'facet' ? K : never }[FilterKey];
export const FACETS = FILTER_KEYS.filter((k): k is Facet => FILTERS[k].kind === 'facet');

/** The values of every filter (no time range): lists for list filters, a value or null for single ones. */
export type FilterValues = {
  include: Record<NegatableFilter, string[]>;
  exclude: Record<NegatableFilter, string[]>;
} & { [K in PlainFilter]: Filters[K]['many'] extends true ? string[] : string | null };

const isNegatable = (key: FilterKey): key is NegatableFilter => FILTERS[key].negatable;

/** No filter set: the one empty state behind defaultFilters(), NO_FILTERS and "Clear all". */
export function emptyFilterValues(): FilterValues {
  const include = {} as Record<NegatableFilter, string[]>;
  const exclude = {} as Record<NegatableFilter, string[]>;
  const plain: Record<string, string[] | null> = {};
  for (const key of FILTER_KEYS) {
    if (isNegatable(key)) {
      include[key] = [];
      exclude[key] = [];
    } else plain[key] = FILTERS[key].many ? [] : null;
  }
  return { include, exclude, ...plain } as FilterValues;
}

/** One filter's values, whichever slot of the state holds them (`exclude` is empty unless negatable). */
export function readFilter(f: FilterValues, key: FilterKey): { include: readonly string[]; exclude: readonly string[] } {
  if (isNegatable(key)) return { include: f.include[key], exclude: f.exclude[key] };
  const v = (f as unknown as Record<string, string[] | string | null>)[key];
  return { include: Array.isArray(v) ? v : v === null || v === undefined ? [] : [v], exclude: [] };
}

/** A copy of `f` with one filter's values replaced (a single-value filter keeps the first). */
export function withFilter<F extends FilterValues>(f: F, key: FilterKey, include: readonly string[], exclude: readonly string[] = []): F {
  if (isNegatable(key)) return { ...f, include: { ...f.include, [key]: [...include] }, exclude: { ...f.exclude, [key]: [...exclude] } };
  return { ...f, [key]: FILTERS[key].many ? [...include] : (include[0] ?? null) };
}
