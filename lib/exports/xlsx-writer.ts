import { once, type EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatInZone } from '@/lib/format/time-zone';
import { tableCells, tableColumns, TABLE_COLUMN_KEYS, type ExportTableRow } from './columns';
import { neutraliseFormula } from './formula-guard';
import { createZoneFormatter, isoInZone, wallClockDate } from './time';
import type { Emit, ExportHeader, ExportWriter } from './writer';

/** Excel's sheet holds 1,048,576 rows; one is the header. Beyond that rows continue on "Audit events (2)"… */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

type Sheet = ExcelJS.Worksheet;

/** Bytes of sheet XML allowed to wait for the deflater before the next batch is read. */
const ZIP_BACKLOG = 1 << 20;

/**
 * exceljs (4.4.0) writes a sheet's XML into the zip's deflater without waiting for it, so a fast database
 * would pile megabytes up in front of zlib. Waiting here until that backlog drains keeps memory flat.
 */
async function drainSheet(sheet: Sheet | null): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: ZipInput[] } } | null)?.stream?.pipes ?? [];
  // The deflater is a readable-stream (userland) Transform: its queue length lives in _writableState.
  const pending = (pipe: ZipInput) => pipe.writableLength ?? pipe._writableState?.length ?? 0;
  for (const pipe of pipes) {
    while (pending(pipe) > ZIP_BACKLOG && !pipe.destroyed) await once(pipe, 'drain');
  }
}

type ZipInput = EventEmitter & { writableLength?: number; _writableState?: { length: number }; destroyed?: boolean };

/**
 * Excel through exceljs's streaming writer: rows are committed as each batch arrives and the zip flows
 * out through a PassThrough, so memory stays flat at any size. Sheet 1 "Audit events" (header frozen,
 * widths set, real dates), then "Filters Applied", written last because it states the row count.
 */
export function createXlsxWriter(header: ExportHeader, emit: Emit, opts: { rowsPerSheet?: number } = {}): ExportWriter<ExportTableRow> {
  const rowsPerSheet = opts.rowsPerSheet ?? XLSX_MAX_DATA_ROWS;
  const out = new PassThrough();
  let aborted = false;
  out.on('data', (chunk: Buffer) => {
    if (!aborted) emit(chunk);
  });
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  // A rejection that nobody awaits (after abort) must not crash the process.
  ended.catch(() => {});
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = header.generatedBy;
  workbook.created = header.generatedAt;
  const columns = tableColumns(header.zone);
  const time = createZoneFormatter(header.zone);
  const sheetNames: string[] = [];
  let sheet: Sheet | null = null;
  let rowsInSheet = 0;

  const openSheet = (): Sheet => {
    const name = sheetNames.length === 0 ? 'Audit events' : `Audit events (${sheetNames.length + 1})`;
    sheetNames.push(name);
    const s = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    s.columns = columns.map((c) => ({ key: c.key, width: c.width, style: c.key === 'local' ? { numFmt: DATE_FORMAT } : {} }));
    s.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const head = s.addRow(columns.map((c) => c.header));
    head.font = { bold: true };
    head.commit();
    rowsInSheet = 0;
    return s;
  };

  return {
    start() {
      sheet = openSheet();
    },
    async write(rows) {
      for (const row of rows) {
        if (!sheet || rowsInSheet >= rowsPerSheet) {
          sheet?.commit();
          sheet = openSheet();
        }
        const cells = tableCells(row, time);
        // Text cells are formula-guarded; the zone's wall-clock time is a real Excel date (see wallClockDate).
        sheet.addRow(TABLE_COLUMN_KEYS.map((k) => (k === 'local' ? wallClockDate(row.occurredAt, header.zone) : neutraliseFormula(cells[k])))).commit();
        rowsInSheet++;
      }
      await drainSheet(sheet);
    },
    async finish(rowCount) {
      sheet?.commit();
      writeFiltersSheet(workbook.addWorksheet('Filters Applied'), header, rowCount, sheetNames);
      await workbook.commit();
      await ended;
    },
    abort() {
      aborted = true;
      out.destroy();
    },
  };
}

function writeFiltersSheet(s: Sheet, header: ExportHeader, rowCount: number, sheetNames: string[]) {
  s.columns = [{ width: 18 }, { width: 110 }];
  const add = (label: string, value: string | number) => {
    const row = s.addRow([label, typeof value === 'string' ? neutraliseFormula(value) : value]);
    row.getCell(1).font = { bold: true };
    row.commit();
  };
  add('Report', header.reportName);
  add('Organization', `${header.orgName} (${header.orgSlug})`);
  add('Date range', header.window);
  header.filters.forEach((line, i) => add(i === 0 ? 'Filters' : '', line));
  add('Sort', header.sort);
  add('Time zone', `${header.zone} (Excel has no time zones: the date column shows this zone's wall-clock time)`);
  add('Generated by', header.generatedBy);
  add('Generated at', `${formatInZone(header.generatedAt, header.zone)} (${isoInZone(header.generatedAt, header.zone)})`);
  add('Rows', rowCount);
  if (sheetNames.length > 1) add('Sheets', `${sheetNames.join(', ')} (Excel holds ${XLSX_MAX_DATA_ROWS.toLocaleString('en-US')} rows per sheet)`);
  s.commit();
}
