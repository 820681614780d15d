import { describe, expect, it } from 'vitest';
import { chipText, describeFilters } from '@/lib/view/describe-filters';
import { defaultFilters, emptyFilterValues, FILTER_KEYS, FILTERS, readFilter, withFilter, type AuditFilters, type FilterKey } from '@/lib/view/filters';
import { parseQuery, toQuery } from '@/lib/view/query-language';
import { actorTrail, recordTrail } from '@/lib/view/related-views';
import { defaultViewState, parseAuditSearchParams, serializeAuditSearchParams } from '@/lib/view/search-params';

/** Every filter, included and (where allowed) excluded, set to its schema example. */
const cases = FILTER_KEYS.flatMap((key) => [{ key, negated: false }, ...(FILTERS[key].negatable ? [{ key, negated: true }] : [])]);
const stateWith = (key: FilterKey, negated: boolean): AuditFilters => {
  const example = [FILTERS[key].example];
  return withFilter(defaultFilters(), key, negated ? [] : example, negated ? example : []);
};

describe('the filter schema', () => {
  it.each(cases)('$key (negated: $negated) round-trips through the URL', ({ key, negated }) => {
    const state = { ...defaultViewState(), filters: stateWith(key, negated) };
    const qs = serializeAuditSearchParams(state);
    expect(qs).toContain(`${negated ? 'not.' : ''}${FILTERS[key].param}=`);
    const parsed = parseAuditSearchParams(new URLSearchParams(qs));
    expect(parsed.issues).toEqual([]);
    expect(parsed.state).toEqual(state);
  });

  it.each(cases)('$key (negated: $negated) round-trips through the query language', ({ key, negated }) => {
    const filters = stateWith(key, negated);
    const query = toQuery(filters);
    const parsed = parseQuery(query, 'UTC');
    expect(parsed.issues).toEqual([]);
    expect({ ...parsed.filters, range: filters.range }).toEqual(filters);
  });

  it.each(cases)('$key (negated: $negated) has a chip and a description naming its value', ({ key, negated }) => {
    const filters = stateWith(key, negated);
    const value = FILTERS[key].example;
    expect(chipText(key, value, negated)).toContain(value);
    expect(describeFilters(filters, 'UTC').slice(1).join('\n')).toContain(value);
  });

  it('declares unique URL parameters and qualifiers, and one empty state', () => {
    const params = FILTER_KEYS.map((k) => FILTERS[k].param);
    expect(new Set(params).size).toBe(params.length);
    const qualifiers = FILTER_KEYS.flatMap((k) => FILTERS[k].qualifiers);
    expect(new Set(qualifiers).size).toBe(qualifiers.length);
    for (const key of FILTER_KEYS) expect(readFilter(emptyFilterValues(), key)).toEqual({ include: [], exclude: [] });
    expect(serializeAuditSearchParams({ ...defaultViewState(), filters: { ...defaultFilters(), ...emptyFilterValues() } })).toBe('');
  });
});

describe('the actor id filter', () => {
  it('reads repeated and negated actor_id parameters and the actorid: qualifier alike', () => {
    const url = parseAuditSearchParams(new URLSearchParams('actor_id=u_1&actor_id=u_2&not.actor_id=u_3'));
    expect(url.issues).toEqual([]);
    expect(url.state.filters.include.actorId).toEqual(['u_1', 'u_2']);
    expect(url.state.filters.exclude.actorId).toEqual(['u_3']);
    const query = parseQuery('actorid:u_1,u_2 -actorid:u_3', 'UTC');
    expect(query.issues).toEqual([]);
    expect({ include: query.filters.include.actorId, exclude: query.filters.exclude.actorId }).toEqual({ include: ['u_1', 'u_2'], exclude: ['u_3'] });
    expect(describeFilters(url.state.filters, 'UTC')).toContain('User id is u_1 or u_2');
  });

  it('"All events by this user" follows the actor id, and the label only when there is no id', () => {
    const event = { actorId: 'u_42', actorLabel: 'dana@acme.test', objectType: 'flow', objectId: null };
    const byId = actorTrail(event);
    expect(byId.include.actorId).toEqual(['u_42']);
    expect(byId.include.actor).toEqual([]);
    expect(byId.range).toEqual({ preset: 'all' });
    const byLabel = actorTrail({ ...event, actorId: null, actorLabel: 'system' });
    expect(byLabel.include).toMatchObject({ actor: ['system'], actorId: [] });
    expect(recordTrail(event)).toBeNull();
    expect(recordTrail({ ...event, objectId: 'flo_1' })).toMatchObject({ objectId: 'flo_1', include: { type: ['flow'] } });
  });
});
