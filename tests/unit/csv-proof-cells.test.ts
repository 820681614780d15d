import { describe, expect, it } from 'vitest';
import { valueOfCell } from '@/lib/chain/csv-proof';
import { CSV_BOM, csvField, csvRecord } from '@/lib/exports/csv';
import { parseCsv } from '@/lib/exports/csv-parse';

describe('reading an exported CSV back (the CSV proof verifier)', () => {
  it('gives back every field csv.ts wrote: quotes, commas, CR/LF inside fields, empty fields, the BOM', () => {
    const rows = [
      ['a', 'say "hi", then go', 'line 1\r\nline 2', '', 'ü ✓'],
      ['', 'x', 'bare\nLF', 'last', ''],
    ];
    const text = CSV_BOM + rows.map((r) => csvRecord(r)).join('');
    expect(parseCsv(text)).toEqual(rows);
  });

  it('undoes the formula guard only where the guard put it; an empty nullable cell reads as null', () => {
    for (const value of ['=SUM(A1)', '+1', '-1', '@x', 'plain', "'quoted already"]) {
      const cell = parseCsv(csvField(value))[0]![0]!;
      expect(valueOfCell(cell, false)).toBe(value);
    }
    // A value that already began with a quote and a trigger cannot be told from a guarded one: the sidecar carries it.
    expect(valueOfCell(parseCsv(csvField("'=x"))[0]![0]!, false)).toBe('=x');
    expect(valueOfCell('', true)).toBeNull();
    expect(valueOfCell('', false)).toBe('');
  });
});
