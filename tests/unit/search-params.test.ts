import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@/lib/audit/cursor';
import { parseAuditSearchParams, serializeAuditSearchParams } from '@/lib/audit/search-params';

const cursor = { at: new Date('2026-11-21T10:11:12.345Z'), id: '019a8f3c-1d2e-7abc-8def-0123456789ab' };

describe('audit URL state', () => {
  it('round-trips size and cursor through the canonical query string', () => {
    const qs = serializeAuditSearchParams({ size: 100, cursor });
    const { state, issues } = parseAuditSearchParams(new URLSearchParams(qs));
    expect(issues).toEqual([]);
    expect(state.size).toBe(100);
    expect(state.cursor?.id).toBe(cursor.id);
    expect(state.cursor?.at.toISOString()).toBe('2026-11-21T10:11:12.345Z');
  });

  it('omits defaults so the default view has the shortest link', () => {
    expect(serializeAuditSearchParams({ size: 50, cursor: null })).toBe('');
  });

  it('reports unknown, repeated and malformed parameters and falls back to defaults', () => {
    const { state, issues } = parseAuditSearchParams({ size: ['7', '25'], cursor: "x' or 1=1 --", utm: 'x' });
    expect(state).toEqual({ size: 50, cursor: null });
    expect(issues.map((i) => i.param)).toEqual(['size', 'size', 'cursor', 'utm']);
    expect(issues[0]!.message).toContain('Page size "7" is not one of 25, 50, 100, 200');
  });

  it('rejects cursors it did not make', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor(btoa('123.not-a-uuid'))).toBeNull();
    expect(decodeCursor('%%%')).toBeNull();
    expect(decodeCursor('a'.repeat(200))).toBeNull();
  });
});
