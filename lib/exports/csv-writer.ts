import { tableColumns, TABLE_CELL_FNS, type ExportTableRow } from './columns';
import { CSV_BOM, CSV_EOL, csvField, csvRecord } from './csv';
import { createZoneFormatter } from './time';
import type { Emit, ExportHeader, ExportWriter } from './writer';

/**
 * CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting, formula-guarded; one encoded chunk per batch. The hot
 * loop builds each batch as one string straight from the rows (no per-row cell objects or arrays).
 * On a PostgreSQL server csv-copy.ts writes the rows instead, from COPY output, and must match this byte for
 * byte (tests/integration/exports.test.ts, "the COPY path … writes byte for byte what the row path writes").
 */
export function createCsvWriter(header: ExportHeader, emit: Emit): ExportWriter<ExportTableRow> {
  const time = createZoneFormatter(header.zone);
  const cells = TABLE_CELL_FNS;
  const last = cells.length - 1;
  return {
    start() {
      emit(Buffer.from(CSV_BOM + csvRecord(tableColumns(header.zone).map((c) => c.header)), 'utf8'));
    },
    write(rows) {
      let text = '';
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        for (let c = 0; c < last; c++) text += `${csvField(cells[c]!(row, time))},`;
        text += csvField(cells[last]!(row, time)) + CSV_EOL;
      }
      if (text) emit(Buffer.from(text, 'utf8'));
    },
    async finish() {},
    abort() {},
  };
}
