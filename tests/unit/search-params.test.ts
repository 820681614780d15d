import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@/lib/view/cursor';
import { defaultViewState, hrefWith, parseAuditSearchParams, serializeAuditSearchParams } from '@/lib/view/search-params';

const cursor = { at: new Date('2026-11-21T10:11:12.345Z'), id: '019a8f3c-1d2e-7abc-8def-0123456789ab' };

describe('audit URL state', () => {
  it('round-trips every kind of state through the canonical query string', () => {
    const qs =
      '?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-21T12%3A00%3A00.000Z&action=update&action=delete&not.result=success&actor=alice%40acme.test' +
      '&object=flo_1&id=019a8f3c-1d2e-7abc-8def-0123456789ab&request=req_9&ip=10.0.0.0%2F8&field=limits.rate&text=quoted+phrase' +
      '&sort=actor.asc&size=100&cols=time%2Cactor%2Caction&tz=utc';
    const { state, issues } = parseAuditSearchParams(new URLSearchParams(qs));
    expect(issues).toEqual([]);
    expect(state.filters.include.action).toEqual(['update', 'delete']);
    expect(state.filters.exclude.result).toEqual(['success']);
    expect(state.filters.ip).toBe('10.0.0.0/8');
    expect(state.sort).toEqual({ column: 'actor', dir: 'asc' });
    const again = serializeAuditSearchParams(state);
    expect(parseAuditSearchParams(new URLSearchParams(again)).state).toEqual(state);
    expect(again.split('&').length).toBe(qs.split('&').length);
  });

  it('omits defaults so the default view has the shortest link', () => {
    expect(serializeAuditSearchParams(defaultViewState())).toBe('');
  });

  it('keeps cursors (with sort values) intact and drops paging when the view changes', () => {
    const state = { ...defaultViewState(), after: { ...cursor, v: 'alice@acme.test' }, sort: { column: 'actor' as const, dir: 'asc' as const } };
    const parsed = parseAuditSearchParams(new URLSearchParams(serializeAuditSearchParams(state)));
    expect(parsed.issues).toEqual([]);
    expect(parsed.state.after).toEqual(state.after);
    expect(hrefWith(state, { size: 100 })).toBe('/audit?sort=actor.asc&size=100');
  });

  it('reports unknown, repeated and malformed parameters, never passing them on', () => {
    const { state, issues } = parseAuditSearchParams({
      size: ['7', '25'],
      after: "x' or 1=1 --",
      utm: 'x',
      ip: '10.0.0.0/33',
      sort: 'password.asc',
      id: '1; drop table',
      range: 'forever',
      from: '2026-13-01',
    });
    expect(state).toEqual(defaultViewState());
    expect(issues.map((i) => i.param).sort()).toEqual(['after', 'from', 'id', 'ip', 'range', 'size', 'size', 'sort', 'utm']);
    expect(issues.find((i) => i.param === 'size')!.message).toContain('Page size "7" is not one of 25, 50, 100, 200');
  });

  it('rejects cursors it did not make', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, v: 'ünïcode ✓' }))).toEqual({ ...cursor, v: 'ünïcode ✓' });
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor(btoa('[123,"not-a-uuid"]'))).toBeNull();
    expect(decodeCursor('%%%')).toBeNull();
    expect(decodeCursor('a'.repeat(2000))).toBeNull();
  });
});
