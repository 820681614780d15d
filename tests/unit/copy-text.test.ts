import { describe, expect, it } from 'vitest';
import { copyField } from '@/lib/format/copy-text';

/** What PostgreSQL's COPY TO (text format) writes for a value, per its documentation. */
const encode = (v: string | null) =>
  v === null
    ? '\\N'
    : v.replace(
        /[\\\b\f\n\r\t\v]/g,
        (c) => `\\${({ '\\': '\\', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' } as Record<string, string>)[c]}`,
      );

describe('COPY text field decoder', () => {
  it('gives back every value COPY wrote, NULL apart from the text "\\N"', () => {
    for (const v of [null, '', 'plain', 'Zoë 😀 文字', 'tab\there', 'line\nbreak\r\n', 'back\\slash', '\\N', 'ctl\b\f\v\u0001', 'a "quote"']) {
      expect(copyField(encode(v))).toBe(v);
    }
  });
  it('refuses an escape COPY TO never writes', () => {
    expect(() => copyField('\\101')).toThrow(/unexpected COPY escape/);
  });
});
