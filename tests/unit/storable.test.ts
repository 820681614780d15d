import { describe, expect, it } from 'vitest';
import { cleanText, hasUnstorableText, STORABLE_LIMITS, storableCopy } from '@/lib/recording/storable';

describe('what a failure entry keeps of raw input', () => {
  it('replaces NUL and unpaired surrogates so PostgreSQL can store the text', () => {
    expect(cleanText('a\u0000b\ud800c')).toBe('a\uFFFDb\uFFFDc');
    expect(cleanText('emoji \ud83d\ude00 stays')).toBe('emoji \ud83d\ude00 stays');
    expect(hasUnstorableText({ a: ['x', { b: 'y\u0000' }] })).toBe(true);
    expect(hasUnstorableText({ 'k\udc00': 1 })).toBe(true);
    expect(hasUnstorableText({ a: 'plain', n: 1, z: null })).toBe(false);
  });

  it('bounds a 900 KB field to a few KB with a marker saying how much was cut', () => {
    const { value, truncated } = storableCopy({ name: 'x'.repeat(900_000), role: 'admin' });
    const json = JSON.stringify(value);
    expect(truncated).toBe(true);
    expect(json.length).toBeLessThan(STORABLE_LIMITS.total + 200);
    expect((value as { name: string }).name).toMatch(/… \[truncated 899500 characters\]$/);
    expect((value as { role: string }).role).toBe('admin');
  });

  it('caps keys, items and depth, and keeps a __proto__ key as data', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    const { value } = storableCopy({ many, list: Array.from({ length: 30 }, (_, i) => i), deep: { a: { b: { c: { d: { e: { f: 1 } } } } } } });
    const v = value as { many: Record<string, unknown>; list: unknown[]; deep: unknown };
    expect(Object.keys(v.many)).toHaveLength(STORABLE_LIMITS.keys + 1);
    expect(v.list.at(-1)).toBe('[10 more items]');
    expect(JSON.stringify(v.deep)).toContain('[nested too deep]');
    const proto = storableCopy(JSON.parse('{"__proto__":{"x":1}}')).value as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(JSON.stringify(proto)).toBe('{"__proto__":{"x":1}}');
  });

  it('leaves small clean input unchanged', () => {
    expect(storableCopy({ email: 'a@b.test', role: 'member', n: 3 })).toEqual({ value: { email: 'a@b.test', role: 'member', n: 3 }, truncated: false });
  });
});
