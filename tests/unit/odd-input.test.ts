import { describe, expect, it } from 'vitest';
import { listEventsForApiKey } from '@/lib/api/list-events';
import type { Db } from '@/db/client';
import { decodeCursor, encodeCursor } from '@/lib/view/cursor';
import { parseQuery } from '@/lib/view/query-language';
import { defaultViewState, parseAuditSearchParams } from '@/lib/view/search-params';
import { readViewState } from '@/lib/view/view-state';

const ID = '019a8f3c-1d2e-7abc-8def-0123456789ab';
const at = new Date('2026-11-21T10:11:12.345Z');

/** Parses `params` and expects exactly one issue, on `param`, with the default state otherwise untouched. */
function rejected(params: Record<string, string>, param: string) {
  const { state, issues } = parseAuditSearchParams(params);
  expect(issues.map((i) => i.param)).toEqual([param]);
  expect(state).toEqual(defaultViewState());
  return issues[0]!.message;
}

describe('odd input never reaches SQL', () => {
  it('rejects instants PostgreSQL or toISOString cannot hold, with a clear message', () => {
    expect(rejected({ from: '0000-01-01T00:00Z' }, 'from')).toMatch(/outside the years 0001 to 9999/);
    expect(rejected({ to: '9999-12-31T23:59:59.999-23:59' }, 'to')).toMatch(/outside the years 0001 to 9999/);
    const edges = parseAuditSearchParams({ from: '0001-01-01T00:00Z', to: '9999-12-31T23:59:59.999Z' });
    expect(edges.issues).toEqual([]);
    expect(edges.state.filters.range).toEqual({ from: new Date('0001-01-01T00:00:00Z'), to: new Date('9999-12-31T23:59:59.999Z') });
    expect(parseQuery('created:>=0000-12-31T23:00Z', 'UTC').issues[0]!.message).toMatch(/outside the years/);
    expect(parseQuery('created:<9999-12-31T23:59-12:00', 'UTC').issues[0]!.message).toMatch(/outside the years/);
  });

  it.each(['text', 'action', 'not.result', 'object', 'request', 'actor_id', 'field', 'q', 'sort'])('rejects a NUL byte in "%s"', (param) => {
    expect(rejected({ [param]: 'a\u0000b' }, param)).toContain('control character');
  });

  it('rejects other C0 controls but keeps tabs', () => {
    expect(rejected({ text: 'a\u001bb' }, 'text')).toContain('control character');
    expect(rejected({ text: 'line\nbreak' }, 'text')).toContain('control character');
    expect(parseAuditSearchParams({ text: 'a\tb' }).state.filters.text).toEqual(['a\tb']);
  });

  it('rejects lone UTF-16 surrogates but keeps real astral characters', () => {
    expect(rejected({ text: 'x\ud800' }, 'text')).toContain('broken Unicode');
    expect(rejected({ actor: '\udc00y' }, 'actor')).toContain('broken Unicode');
    expect(parseAuditSearchParams({ text: 'party 🎉' }).state.filters.text).toEqual(['party 🎉']);
  });

  it('rejects the same characters inside a query', () => {
    const { issues } = parseQuery('action:x\u0000y "a\u0001b" object:\ud83d', 'UTC');
    expect(issues).toHaveLength(3);
    const viaUrl = readViewState({ q: 'action:update\u0000' }, 'UTC');
    expect(viaUrl.issues.map((i) => i.param)).toEqual(['q']);
  });

  it('checks a cursor value against the sort column when the state is parsed', () => {
    const notAnIp = encodeCursor({ v: "x'::inet or 1=1", at, id: ID });
    const bad = parseAuditSearchParams({ sort: 'ip.asc', after: notAnIp });
    expect(bad.issues.map((i) => i.message)).toEqual(['The page position does not match the sort order; showing the first page.']);
    expect(bad.state.after).toBeNull();
    const ip = parseAuditSearchParams({ sort: 'ip.asc', after: encodeCursor({ v: '10.0.0.1/32', at, id: ID }) });
    expect(ip.issues).toEqual([]);
    expect(ip.state.after).toEqual({ v: '10.0.0.1/32', at, id: ID });
    // A text column takes any text, and time ignores the value.
    expect(parseAuditSearchParams({ sort: 'actor.asc', after: notAnIp }).issues).toEqual([]);
    expect(parseAuditSearchParams({ after: notAnIp }).issues).toEqual([]);
  });

  it('refuses cursors holding control characters, broken Unicode or an instant past year 9999', () => {
    const raw = (parts: unknown[]) => btoa(JSON.stringify(parts)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(decodeCursor(raw([at.getTime(), ID, 'a\u0000b']))).toBeNull();
    expect(decodeCursor(btoa(`[${at.getTime()},"${ID}","\\ud800"]`).replace(/=+$/, ''))).toBeNull();
    expect(decodeCursor(raw([253402300800000, ID]))).toBeNull();
    expect(decodeCursor(raw([at.getTime(), ID, 'fine']))).toEqual({ v: 'fine', at, id: ID });
  });

  it('the API answers with the issues (a 400), before it touches the database', async () => {
    const key = { orgId: ID, keyId: ID, name: 'k', prefix: 'ak_x' };
    const ctx = { ip: null, userAgent: null, requestId: 'req_1' };
    const untouched = new Proxy(
      {},
      {
        get: () => {
          throw new Error('the database was used');
        },
      },
    ) as Db;
    for (const params of ['from=0000-01-01T00:00Z', 'text=%00', 'sort=ip.asc&after=' + encodeCursor({ v: 'nope', at, id: ID })]) {
      const result = await listEventsForApiKey(untouched, key, ctx, new URLSearchParams(params));
      expect(result.ok, params).toBe(false);
    }
  });
});
