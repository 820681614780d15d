import { tableCells, tableColumns, TABLE_COLUMN_KEYS, type ExportTableRow } from './columns';
import { CSV_BOM, csvRecord } from './csv';
import type { Emit, ExportHeader, ExportWriter } from './writer';

/** CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting, formula-guarded; one encoded chunk per batch. */
export function createCsvWriter(header: ExportHeader, emit: Emit): ExportWriter<ExportTableRow> {
  const encoder = new TextEncoder();
  return {
    start() {
      emit(encoder.encode(CSV_BOM + csvRecord(tableColumns(header.zone).map((c) => c.header))));
    },
    write(rows) {
      let text = '';
      for (const row of rows) {
        const cells = tableCells(row, header.zone);
        text += csvRecord(TABLE_COLUMN_KEYS.map((k) => cells[k]));
      }
      if (text) emit(encoder.encode(text));
    },
    async finish() {},
    abort() {},
  };
}
