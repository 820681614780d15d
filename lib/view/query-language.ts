import { localMidnight } from '@/lib/format/zoned';
import { emptyFacets, FACETS, type AuditFilters, type Facet } from '@/lib/view/filters';
import { parseIpFilter } from '@/lib/view/ip-filter';
import { parseInstant, type ParamIssue } from '@/lib/view/search-params';
import { isUuid } from '@/lib/ids';

/**
 * A GitHub-style query language over the same filter state as the controls:
 * `action:update actor:alice@example.com type:api_key -result:success ip:10.0.0.0/8 field:role
 * created:>=2026-11-01 "quoted phrase"`. Values may be quoted and comma-separated (`action:create,delete`).
 */
const ALIASES: Record<string, Facet | 'object' | 'id' | 'request' | 'ip' | 'field' | 'created' | 'text'> = {
  action: 'action',
  actor: 'actor',
  user: 'actor',
  type: 'type',
  module: 'module',
  project: 'project',
  source: 'source',
  result: 'result',
  object: 'object',
  id: 'id',
  event: 'id',
  request: 'request',
  ip: 'ip',
  field: 'field',
  created: 'created',
  time: 'created',
};

const TOKEN = /(-?)([a-z_]+):("([^"]*)"|(\S+))|"([^"]*)"|(\S+)/gi;

function parseBound(raw: string, zone: string, endOfDay: boolean): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (m < 1 || m > 12 || d < 1 || d > 31) return null;
    return localMidnight(y, m, d + (endOfDay ? 1 : 0), zone);
  }
  return parseInstant(raw);
}

/** The filters a query describes. The time range is only set when the query has `created:` terms. */
export function parseQuery(query: string, zone: string): { filters: Omit<AuditFilters, 'range'> & { range: { from: Date | null; to: Date | null } | null }; issues: ParamIssue[] } {
  const f = { include: emptyFacets(), exclude: emptyFacets(), objectId: null as string | null, eventId: null as string | null, requestId: null as string | null, ip: null as string | null, fields: [] as string[], text: [] as string[] };
  let range: { from: Date | null; to: Date | null } | null = null;
  const issues: ParamIssue[] = [];
  const issue = (message: string) => issues.push({ param: 'q', message });

  for (const m of query.slice(0, 2000).matchAll(TOKEN)) {
    const [, neg, rawKey, , quoted, bare, phrase, word] = m;
    if (phrase !== undefined || word !== undefined) {
      const term = (phrase ?? word)!.trim();
      if (term && !f.text.includes(term)) f.text.push(term);
      continue;
    }
    const key = ALIASES[rawKey!.toLowerCase()];
    const value = (quoted ?? bare ?? '').trim();
    if (!key) {
      issue(`Unknown qualifier "${rawKey}:" (known: ${Object.keys(ALIASES).join(', ')}).`);
      continue;
    }
    if (!value) {
      issue(`"${rawKey}:" needs a value.`);
      continue;
    }
    if ((FACETS as readonly string[]).includes(key)) {
      const list = neg ? f.exclude[key as Facet] : f.include[key as Facet];
      for (const v of (quoted !== undefined ? [value] : value.split(',')).map((s) => s.trim()).filter(Boolean)) if (!list.includes(v)) list.push(v);
      continue;
    }
    if (neg) {
      issue(`"-${rawKey}:" can't be negated; only action, actor, type, module, project, source and result can.`);
      continue;
    }
    if (key === 'object') f.objectId = value;
    else if (key === 'request') f.requestId = value;
    else if (key === 'id') {
      if (isUuid(value)) f.eventId = value.toLowerCase();
      else issue(`"${value}" is not an event id.`);
    } else if (key === 'ip') {
      const ip = parseIpFilter(value);
      if (ip) f.ip = ip;
      else issue(`"${value}" is not an IP address or CIDR range.`);
    } else if (key === 'field') {
      for (const v of value.split(',').filter(Boolean)) if (!f.fields.includes(v)) f.fields.push(v);
    } else if (key === 'created') {
      const cmp = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
      const op = cmp[1] ?? '';
      const span = /^(.+)\.\.(.+)$/.exec(cmp[2]!);
      range ??= { from: null, to: null };
      if (span) {
        const a = parseBound(span[1]!, zone, false);
        const b = parseBound(span[2]!, zone, true);
        if (a && b) Object.assign(range, { from: a, to: b });
        else issue(`"created:${value}" is not a date range like 2026-11-01..2026-11-05.`);
        continue;
      }
      const d = parseBound(cmp[2]!, zone, op === '<=' || op === '>');
      if (!d) issue(`"created:${value}" needs a date (2026-11-01) or a date and time with zone (2026-11-01T09:00Z).`);
      else if (op === '>=' || op === '>') range.from = d;
      else if (op === '<=' || op === '<') range.to = d;
      else {
        const day = parseBound(cmp[2]!, zone, false)!;
        Object.assign(range, /^\d{4}-\d{2}-\d{2}$/.test(cmp[2]!) ? { from: day, to: parseBound(cmp[2]!, zone, true) } : { from: day, to: new Date(day.getTime() + 1) });
      }
    }
  }
  return { filters: { ...f, range }, issues };
}

const quote = (v: string) => (/[\s",]/.test(v) || v === '' ? `"${v.replace(/"/g, '')}"` : v);

/** The query that describes `filters` (the custom time range included as `created:` bounds). */
export function toQuery(filters: AuditFilters): string {
  const parts: string[] = [];
  for (const facet of FACETS) {
    for (const v of filters.include[facet]) parts.push(`${facet}:${quote(v)}`);
    for (const v of filters.exclude[facet]) parts.push(`-${facet}:${quote(v)}`);
  }
  if (filters.objectId) parts.push(`object:${quote(filters.objectId)}`);
  if (filters.eventId) parts.push(`id:${filters.eventId}`);
  if (filters.requestId) parts.push(`request:${quote(filters.requestId)}`);
  if (filters.ip) parts.push(`ip:${filters.ip}`);
  for (const v of filters.fields) parts.push(`field:${v}`);
  if (!('preset' in filters.range)) {
    if (filters.range.from) parts.push(`created:>=${filters.range.from.toISOString()}`);
    if (filters.range.to) parts.push(`created:<${filters.range.to.toISOString()}`);
  }
  for (const t of filters.text) parts.push(/\s/.test(t) ? `"${t.replace(/"/g, '')}"` : t.includes(':') ? `"${t}"` : t);
  return parts.join(' ');
}
