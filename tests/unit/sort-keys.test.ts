import { describe, expect, it } from 'vitest';
import { sortKeys } from '@/lib/chain/sort-keys';
import { rng } from '../support/rng';

describe('sortKeys', () => {
  it('orders keys exactly as Array.prototype.sort does (UTF-16 code units), short lists and long ones', () => {
    const r = rng(3);
    const alphabet = ['a', 'B', 'z', '_', '0', '9', '10', 'é', 'Ü', '😀', '\uffff', ' ', '-', 'aa', 'a.b'];
    for (let n = 0; n < 2000; n++) {
      const keys = [
        ...new Set(
          Array.from({ length: Math.floor(r() * 40) }, () => alphabet[Math.floor(r() * alphabet.length)]! + alphabet[Math.floor(r() * alphabet.length)]!),
        ),
      ];
      expect(sortKeys([...keys])).toEqual([...keys].sort());
    }
  });
});
