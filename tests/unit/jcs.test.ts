import { describe, expect, it } from 'vitest';
import { canonicalize, jsonTextToJcs } from '@/lib/chain/jcs';
import { jsonValue } from '../support/ingest-corpus';
import { rng } from '../support/rng';

const fromBits = (hex: string) => new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0);

describe('RFC 8785 JSON canonicalization', () => {
  it('reproduces the RFC 8785 §3.2.2 example (whitespace, literals, numbers, string escapes)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    // Compared as text: Object.keys would list the integer-like "1" first whatever the serialization said.
    const expected = [
      ['\r', 'Carriage Return'],
      ['1', 'One'],
      ['\u0080', 'Control'],
      ['\u00f6', 'Latin Small Letter O With Diaeresis'],
      ['\u20ac', 'Euro Sign'],
      ['\ud83d\ude00', 'Emoji: Grinning Face'],
      ['\ufb33', 'Hebrew Letter Dalet With Dagesh'],
    ].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    expect(canonicalize(input)).toBe(`{${expected.join(',')}}`);
  });

  it('formats numbers as ECMAScript does (RFC 8785 Appendix B)', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of cases) expect(canonicalize(fromBits(bits))).toBe(text);
  });

  it('rejects what JSON cannot carry: NaN, Infinity, lone surrogates, bigint', () => {
    expect(() => canonicalize(Number.NaN)).toThrow();
    expect(() => canonicalize(fromBits('7ff0000000000000'))).toThrow();
    expect(() => canonicalize('\ud800')).toThrow();
    expect(() => canonicalize({ x: 'a\udc00' })).toThrow();
    expect(() => canonicalize(10n)).toThrow();
  });

  it("follows JSON.stringify's value model: nested sorting, undefined members dropped, Dates as ISO strings", () => {
    const value = { b: [1, { z: true, a: undefined, y: null }], a: new Date(Date.UTC(2026, 10, 21, 8, 0, 0, 5)), c: undefined, d: [undefined] };
    expect(canonicalize(value)).toBe('{"a":"2026-11-21T08:00:00.005Z","b":[1,{"y":null,"z":true}],"d":[null]}');
    expect(canonicalize('line\u2028sep\u001f\t')).toBe('"line\u2028sep\\u001f\\t"');
    expect(canonicalize([])).toBe('[]');
    expect(canonicalize({})).toBe('{}');
  });

  it('JSON.stringify path: plain JSON written by the engine equals the canonical form, and everything else falls back', () => {
    // Random plain JSON (keys with digits, unicode, emoji, escapes), checked against the independent text rewriter.
    const r = rng(8785);
    for (let i = 0; i < 3000; i++) {
      const value = { v: jsonValue(r), [`k${i % 7}`]: jsonValue(r), é: [jsonValue(r)] };
      expect(canonicalize(value)).toBe(jsonTextToJcs(JSON.stringify(value)));
    }
    // What the engine would order or write differently: array-index keys, an own "__proto__", toJSON, depth.
    expect(canonicalize({ b: 1, 10: 'ten', 9: 'nine', a: { 2: 'x', '1x': 'y' } })).toBe('{"10":"ten","9":"nine","a":{"1x":"y","2":"x"},"b":1}');
    expect(canonicalize(JSON.parse('{"z":1,"__proto__":{"a":2}}'))).toBe('{"__proto__":{"a":2},"z":1}');
    expect(canonicalize({ at: { toJSON: () => ({ y: 1, x: 2 }) } })).toBe('{"at":{"x":2,"y":1}}');
    let deep: unknown = { b: 1, a: 2 };
    for (let i = 0; i < 80; i++) deep = { n: deep, m: i };
    expect(canonicalize(deep)).toBe(jsonTextToJcs(JSON.stringify(deep)));
    expect(() => canonicalize({ a: [1, { b: Number.POSITIVE_INFINITY }] })).toThrow();
  });
});
