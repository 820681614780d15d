import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '@/lib/recording/diff';

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
});
