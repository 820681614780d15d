import { isEmbedded, type Db } from '@/db/client';
import { buildExportProof } from '@/lib/chain/export-proof';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { describeFilters, describeSort } from '@/lib/view/describe-filters';
import type { RequestContext } from '@/lib/recording/request-context';
import { DEFAULT_PAGE_SIZE, serializeAuditSearchParams, type AuditViewState } from '@/lib/view/search-params';
import type { ExportFullRow, ExportTableRow } from './columns';
import { createCsvCopyReader, type CsvBatch } from './csv-copy';
import { createCsvProofWriter, csvProofEntryNames } from './csv-proof-writer';
import { createCsvWriter } from './csv-writer';
import { ExportAborted } from './export-aborted';
import { exportFileName } from './filename';
import { FORMAT_INFO, type ExportFormat } from './formats';
import { createJsonlWriter } from './jsonl-writer';
import { CSV_COPY_BATCH_SIZE, EMBEDDED_EXPORT_BATCH_SIZE, EXPORT_BATCH_SIZE, PDF_ROW_CAP } from './limits';
import { createPdfWriter } from './pdf-writer';
import { createBatchReader, type BatchReader, type BatchSource } from './read-batches';
import { recordExport, type ExportOutcome } from './record-export';
import { describeWindow } from './time';
import type { Emit, ExportHeader, ExportWriter } from './writer';
import { createXlsxWriter } from './xlsx-writer';

export type ExportRequest = {
  orgId: string;
  orgSlug: string;
  orgName: string;
  user: { id: string; email: string };
  /** The viewer's zone: presets ("today") resolve in it, as on the page; times are shown in it unless the view says tz=utc. */
  zone: string;
  state: AuditViewState;
  format: ExportFormat;
  now: Date;
  /** The HTTP request's signal: a client that goes away stops the database reads. */
  signal?: AbortSignal;
  /** Where the request came from, for the export's own audit entry. */
  request?: RequestContext;
  batchSize?: number;
  /** Rows a PDF may hold (default PDF_ROW_CAP; benchmarks measure beyond it). */
  pdfCap?: number;
  /** The report's title (the saved view's name when the export is one: report-name.ts); default "Audit log export". */
  reportName?: string;
  /** Called after each keyset query (benchmarks and tests count round trips with it). */
  onBatch?: (info: { index: number; rows: number }) => void;
};

const isCsvBatch = (batch: unknown[] | CsvBatch): batch is CsvBatch => !Array.isArray(batch);

export type ExportStream = { stream: ReadableStream<Uint8Array>; filename: string; contentType: string };

/** The view's canonical query string without paging, open event, page size or columns: what an export means. */
export function exportFiltersQuery(state: AuditViewState): string {
  return serializeAuditSearchParams({ ...state, after: null, before: null, event: null, cols: null, size: DEFAULT_PAGE_SIZE });
}

function createWriter(
  format: ExportFormat,
  header: ExportHeader,
  emit: Emit,
  pdfCap: number,
  trailer: (seqs: number[]) => Promise<object>,
  filename: string,
): ExportWriter<ExportTableRow> | ExportWriter<ExportFullRow> {
  if (format === 'csv') return createCsvWriter(header, emit);
  if (format === 'csv-proof') return createCsvProofWriter(header, emit, csvProofEntryNames(filename), trailer);
  if (format === 'xlsx') return createXlsxWriter(header, emit);
  if (format === 'pdf') return createPdfWriter(header, emit, pdfCap);
  return createJsonlWriter(emit, trailer);
}

/**
 * One export of a filtered view as a byte stream that is pulled, not pushed: each pull() takes one keyset
 * batch only when the consumer wants more bytes (on a server the next batch's query is already running
 * while this one is formatted: at most one ahead), so any size starts at once with flat memory. A client
 * that goes away (cancel or signal) stops the reads; a failure errors the stream so the download is
 * visibly incomplete. Tenancy: only `orgId`'s rows, through the page's where-builder.
 */
export function createExportStream(db: Db, req: ExportRequest): ExportStream {
  const zone = req.state.tz === 'utc' ? 'UTC' : req.zone;
  const filters = resolveQueryFilters(req.state.filters, req.now, req.zone);
  const header: ExportHeader = {
    reportName: req.reportName ?? 'Audit log export',
    orgName: req.orgName,
    orgSlug: req.orgSlug,
    zone,
    window: describeWindow(filters.from, filters.to, req.now, zone),
    filters: describeFilters(req.state.filters, req.zone),
    sort: describeSort(req.state.sort),
    generatedBy: req.user.email,
    generatedAt: req.now,
  };
  const queue: Uint8Array[] = [];
  // JSON Lines end with the proof that the rows are on the signed log (lib/chain/export-proof.ts); a CSV with
  // proof carries it in its sidecar.
  const trailer = (seqs: number[]) => buildExportProof(db, req.orgId, seqs);
  const filename = exportFileName(req.orgSlug, filters, req.now, req.format);
  const writer = createWriter(req.format, header, (chunk) => queue.push(chunk), req.pdfCap ?? PDF_ROW_CAP, trailer, filename) as ExportWriter<
    ExportTableRow | ExportFullRow
  >;
  const batchSize = req.batchSize ?? (isEmbedded(db) ? EMBEDDED_EXPORT_BATCH_SIZE : EXPORT_BATCH_SIZE);
  // CSV on a PostgreSQL server: batches arrive as finished CSV bytes (csv-copy.ts); otherwise rows for the writer.
  const csvCopy =
    req.format === 'csv'
      ? createCsvCopyReader(db, { orgId: req.orgId, filters, sort: req.state.sort, batchSize: req.batchSize ?? CSV_COPY_BATCH_SIZE, zone })
      : null;
  const reader: BatchReader<ExportTableRow | ExportFullRow> | BatchSource<CsvBatch> =
    csvCopy ??
    createBatchReader(db, {
      orgId: req.orgId,
      filters,
      sort: req.state.sort,
      batchSize,
      full: req.format === 'jsonl' || req.format === 'csv-proof',
    });
  const request = req.request ?? { ip: null, userAgent: null, requestId: crypto.randomUUID() };
  let phase: 'start' | 'rows' | 'done' = 'start';
  let rowCount = 0;
  let batches = 0;
  let stopped = false;
  let recorded = false;

  // Recorded once, at the end (row_count is only known then): success before the stream closes, so no
  // complete file exists unaudited; an abort or failure as result=failure with the rows read so far.
  const record = async (outcome: ExportOutcome) => {
    if (recorded) return;
    recorded = true;
    await recordExport(db, { orgId: req.orgId, user: req.user, request, format: req.format, filters: exportFiltersQuery(req.state), rowCount, outcome });
  };
  const recordFailure = (reason: string) =>
    record({ ok: false, reason }).catch((error: unknown) => console.error(`[export] could not record a failed export (request ${request.requestId})`, error));

  // Releases the reads and the writer; never throws (it runs in an AbortSignal listener, where a throw would be
  // an uncaught exception that ends the server process).
  const halt = () => {
    stopped = true;
    queue.length = 0;
    try {
      reader.close();
      writer.abort();
    } catch (error) {
      console.error(`[export] could not release a stopped export (request ${request.requestId})`, error);
    }
  };
  const stop = (reason: string) => {
    if (stopped) return;
    halt();
    void recordFailure(reason);
  };
  req.signal?.addEventListener('abort', () => stop('The client disconnected before the export finished'), { once: true });

  const step = async () => {
    if (phase === 'start') {
      await writer.start();
      phase = 'rows';
      return;
    }
    const batch = await reader.next();
    if (stopped) return;
    if (batch === null) {
      await writer.finish(rowCount);
      phase = 'done';
      return;
    }
    if (isCsvBatch(batch)) {
      req.onBatch?.({ index: ++batches, rows: batch.rows });
      if (batch.bytes.length > 0) queue.push(batch.bytes);
      rowCount += batch.rows;
      return;
    }
    req.onBatch?.({ index: ++batches, rows: batch.length });
    await writer.write(batch);
    rowCount += batch.length;
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          while (queue.length === 0 && phase !== 'done' && !stopped) await step();
          if (stopped) {
            // The client is gone (a no-op after cancel()); erroring makes sure the response is torn down.
            controller.error(new Error('Export stopped: the client disconnected'));
            return;
          }
          while (queue.length) controller.enqueue(queue.shift()!);
          if (phase === 'done') {
            await record({ ok: true });
            controller.close();
          }
        } catch (error) {
          // Every failure ends here: the download is aborted (errored, never closed like a complete file) and
          // recorded; pull() itself never rejects.
          halt();
          if (error instanceof ExportAborted)
            console.warn(`[export] ${req.format} export aborted after ${rowCount} rows (request ${request.requestId}): ${error.message}`);
          else console.error(`[export] ${req.format} export failed after ${rowCount} rows (request ${request.requestId})`, error);
          await recordFailure(
            error instanceof ExportAborted ? error.message : `The export failed on the server after ${rowCount} rows; the file is incomplete`,
          );
          controller.error(error);
        }
      },
      cancel() {
        stop('The download was cancelled before it finished');
      },
    },
    // No buffering in the stream: a query runs only when the consumer asks for bytes (backpressure end to end;
    // on a server the reader keeps at most one batch's query ahead, see read-batches.ts).
    { highWaterMark: 0 },
  );

  return { stream, filename, contentType: FORMAT_INFO[req.format].contentType };
}
