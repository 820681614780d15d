import { changesText } from './changes-text';
import type { ExportTableRow } from './columns';
import { ExportAborted } from './export-aborted';
import { PDF_CELL_PAD, PDF_COLUMNS, PDF_FONT_SIZE, PDF_LINE_HEIGHT, type PdfRow } from './pdf-document';
import { renderPdfInWorker } from './pdf-thread';
import { clip } from './pdf-text';
import { localInZone } from './time';
import type { Emit, ExportHeader, ExportWriter } from './writer';

const ACTOR_KIND: Record<ExportTableRow['actorType'], string> = { user: 'user', api_key: 'API key', system: 'system' };
// Average glyph advance of the condensed font, as a share of the font size; errs wide so estimates err tall.
const CHAR_WIDTH = PDF_FONT_SIZE * 0.5;
const LINE = PDF_FONT_SIZE * PDF_LINE_HEIGHT;
// Landscape A4 (595 pt high) less margins, running header and table header; the first page also holds the title block.
const PAGE_BODY = 595 - 22 - 34 - 13 - 13;
const TITLE_BLOCK = 115;

function capacity(width: number): number {
  return Math.max(4, Math.floor((width - 4) / CHAR_WIDTH));
}

/**
 * One event as the PDF's cells; long cells are clipped so a row always fits on one page (CSV and Excel have them whole).
 * Dense by design: the object's label is already quoted in the message, so its cell holds type and id only.
 */
export function toPdfRow(row: ExportTableRow, zone: string): PdfRow {
  const [date, time] = localInZone(row.occurredAt, zone).split(' ');
  const object = [row.objectType, row.objectId].filter(Boolean).join('\n');
  const ids = row.requestId ? `event ${row.id} · ${row.requestId}` : `event ${row.id}`;
  const message = [row.message, row.errorMessage ? `Error: ${row.errorMessage}` : '', ids].filter(Boolean).join('\n');
  const where = [ACTOR_KIND[row.actorType], row.source, row.ip].filter(Boolean).join(' · ');
  return {
    time: `${date}\n${time}`,
    user: clip(`${row.actorLabel}\n${where}`, 3, 200),
    action: row.action,
    object: clip(object, 3, 160),
    message: clip(message, 6, 600),
    changes: clip(changesText(row.changes, { spaced: true }), 6, 600),
    result: row.result,
    failed: row.result === 'failure',
  };
}

/** Estimated row height in points: the tallest cell, counting wrapped lines. */
function rowHeight(row: PdfRow): number {
  let lines = 1;
  for (const c of PDF_COLUMNS) {
    const per = capacity(c.width);
    const n = row[c.key].split('\n').reduce((sum, l) => sum + Math.max(1, Math.ceil(l.length / per)), 0);
    lines = Math.max(lines, n);
  }
  return lines * LINE + 2 * PDF_CELL_PAD + 0.5;
}

/**
 * Packs rows into pages by estimated height. react-pdf re-lays out the whole remaining flow at every
 * page break, so one <Page> per sheet of paper keeps rendering linear in the row count.
 */
export function packPages(rows: PdfRow[]): PdfRow[][] {
  const pages: PdfRow[][] = [];
  let page: PdfRow[] = [];
  let room = PAGE_BODY - TITLE_BLOCK;
  for (const row of rows) {
    const h = rowHeight(row);
    if (page.length > 0 && h > room) {
      pages.push(page);
      page = [];
      room = PAGE_BODY;
    }
    page.push(row);
    room -= h;
  }
  if (page.length) pages.push(page);
  return pages;
}

/** PDF: rows are collected (at most `cap`, checked before the export starts) and rendered at the end, off the main thread. */
export function createPdfWriter(header: ExportHeader, emit: Emit, cap: number): ExportWriter<ExportTableRow> {
  let rows: PdfRow[] = [];
  return {
    start() {},
    write(batch) {
      // The count said "at most cap"; rows added to an open-ended window since then must not grow an unbounded render.
      if (rows.length + batch.length > cap)
        throw new ExportAborted(`The view grew past the PDF limit of ${cap.toLocaleString('en-US')} rows while exporting; the PDF was not made`);
      for (const row of batch) rows.push(toPdfRow(row, header.zone));
    },
    async finish(rowCount) {
      const pages = packPages(rows);
      rows = [];
      // Laid out in a worker thread: the render takes seconds, and the server keeps answering meanwhile.
      const buffer = await renderPdfInWorker({ header, pages, rowCount });
      for (let i = 0; i < buffer.length; i += 65_536) emit(buffer.subarray(i, i + 65_536));
    },
    abort() {
      rows = [];
    },
  };
}
