import { describe, expect, it } from 'vitest';
import { changedFieldPaths, diffSnapshots } from '@/lib/recording/diff';
import { jsonValue } from '../support/ingest-corpus';
import { rng, type Rng } from '../support/rng';
import { referenceChangedFieldPaths, referenceDiff } from '../support/diff-reference';

describe('diffSnapshots', () => {
  it('reports nested changes as dotted paths', () => {
    const before = { name: 'api', limits: { rate: 100, burst: 200 }, tls: true };
    const after = { name: 'api', limits: { rate: 250, burst: 200 }, tls: false };
    expect(diffSnapshots(before, after)).toEqual([
      { path: 'limits.rate', before: 100, after: 250 },
      { path: 'tls', before: true, after: false },
    ]);
  });

  it('treats scalar arrays as one value and object arrays element by element', () => {
    expect(diffSnapshots({ scopes: ['a'] }, { scopes: ['a', 'b'] })).toEqual([{ path: 'scopes', before: ['a'], after: ['a', 'b'] }]);
    expect(diffSnapshots({ rules: [{ port: 22 }, { port: 80 }] }, { rules: [{ port: 22 }, { port: 443 }, { port: 8080 }] })).toEqual([
      { path: 'rules.1.port', before: 80, after: 443 },
      { path: 'rules.2', before: null, after: { port: 8080 } },
    ]);
  });

  it('lists every field for a create or a delete and nothing when equal', () => {
    expect(diffSnapshots(null, { b: 1, a: 2 }).map((c) => c.path)).toEqual(['a', 'b']);
    expect(diffSnapshots({ a: 1 }, null)).toEqual([{ path: 'a', before: 1, after: null }]);
    expect(diffSnapshots({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual([]);
  });

  it('compares values as their canonical JSON: key order, absent and undefined members, undefined in arrays', () => {
    const equal: [unknown, unknown][] = [
      [
        { a: 1, b: { c: [1, { d: 2, e: 3 }] } },
        { b: { c: [1, { e: 3, d: 2 }] }, a: 1 },
      ],
      [{ a: 1, gone: undefined }, { a: 1 }],
      [{ list: [{ x: 1 }, undefined] }, { list: [{ x: 1 }, null] }],
      [{ n: Number.NaN }, { n: null }],
    ];
    for (const [before, after] of equal) expect(diffSnapshots(before, after)).toEqual([]);
    const changed: [unknown, unknown, string[]][] = [
      [{ a: [1, 2] }, { a: [2, 1] }, ['a']],
      [{ a: { x: 1 } }, { a: [{ x: 1 }] }, ['a']],
      [{ a: 1 }, { a: '1' }, ['a']],
      [{ a: { x: 1, y: undefined } }, { a: { x: 1, y: 0 } }, ['a.y']],
      [{ a: [{ x: 1 }] }, { a: [{ x: 1 }, { x: 2 }] }, ['a.1']],
    ];
    for (const [before, after, paths] of changed) expect(diffSnapshots(before, after).map((c) => c.path)).toEqual(paths);
  });

  it('gives the same changes and changed paths as the reference diff, for 20,000 random snapshot pairs', () => {
    const r = rng(41);
    // A copy with some values replaced, some members dropped and keys reordered: the edits snapshots really see.
    const edited = (r: Rng, v: unknown): unknown => {
      if (r() < 0.15) return jsonValue(r, 2);
      if (Array.isArray(v)) return v.map((x) => edited(r, x));
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).reverse()) if (r() < 0.9) out[k] = edited(r, (v as Record<string, unknown>)[k]);
      return out;
    };
    for (let i = 0; i < 20_000; i++) {
      const before = i % 7 === 0 ? null : jsonValue(r);
      const after = i % 11 === 0 ? null : r() < 0.7 ? edited(r, before) : jsonValue(r);
      const changes = diffSnapshots(before, after);
      expect(changes).toEqual(referenceDiff(before, after));
      expect(changedFieldPaths(changes)).toEqual(referenceChangedFieldPaths(changes));
    }
  });
});
