import { describe, expect, it } from 'vitest';
import { parseQuery, toQuery } from '@/lib/view/query-language';
import { defaultFilters } from '@/lib/view/search-params';

describe('query language', () => {
  it('parses the documented example into the same filters the controls set', () => {
    const { filters, issues } = parseQuery(
      'action:update actor:alice@example.com type:api_key -result:success ip:10.0.0.0/8 field:role created:>=2026-11-01 "quoted phrase"',
      'UTC',
    );
    expect(issues).toEqual([]);
    expect(filters.include).toMatchObject({ action: ['update'], actor: ['alice@example.com'], type: ['api_key'] });
    expect(filters.exclude.result).toEqual(['success']);
    expect(filters.ip).toBe('10.0.0.0/8');
    expect(filters.fields).toEqual(['role']);
    expect(filters.text).toEqual(['quoted phrase']);
    expect(filters.range).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: null });
  });

  it('reads date-only bounds in the viewer’s zone and supports ranges and lists', () => {
    const { filters } = parseQuery('created:2026-11-01..2026-11-02 action:create,delete user:"Bob Admin"', 'Europe/Berlin');
    expect(filters.range).toEqual({ from: new Date('2026-10-31T23:00:00Z'), to: new Date('2026-11-02T23:00:00Z') });
    expect(filters.include.action).toEqual(['create', 'delete']);
    expect(filters.include.actor).toEqual(['Bob Admin']);
  });

  it('explains what it cannot use instead of guessing', () => {
    const { issues } = parseQuery('colour:red ip:999.1.1.1 -ip:10.0.0.1 id:nope created:yesterdayish', 'UTC');
    expect(issues).toHaveLength(5);
  });

  it('a bad created: bound leaves the time window alone instead of opening it to the beginning', () => {
    expect(parseQuery('created:yesterdayish action:update', 'UTC').filters.range).toBeNull();
    const { filters } = parseQuery('created:>=2026-11-01 created:<=soon', 'UTC');
    expect(filters.range).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: null });
  });

  it('round-trips: toQuery of parsed filters parses back to the same filters', () => {
    const base = defaultFilters();
    const { filters } = parseQuery('action:update -result:success actor:"Ann Lee" ip:2001:db8::/32 field:limits.rate object:flo_1 "two words" single', 'UTC');
    const full = { ...base, ...filters, range: base.range };
    const again = parseQuery(toQuery(full), 'UTC').filters;
    expect({ ...base, ...again, range: base.range }).toEqual(full);
  });
});
