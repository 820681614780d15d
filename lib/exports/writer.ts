/** What every format states about the export (the header, the "Filters Applied" sheet, the PDF title block). */
export type ExportHeader = {
  reportName: string;
  orgName: string;
  orgSlug: string;
  /** The zone every time in the file is shown in (the viewer's, or UTC with tz=utc). */
  zone: string;
  /** The exported window in words, in `zone`. */
  window: string;
  /** Each filter in words (describeFilters), time first. */
  filters: string[];
  sort: string;
  generatedBy: string;
  generatedAt: Date;
};

/** Hands encoded bytes to the response stream's queue. */
export type Emit = (chunk: Uint8Array) => void;

/**
 * A format: called start, write* (one call per keyset batch), then finish with the row count, or abort.
 * Output goes through `emit`, possibly later than the call (Excel's zip is asynchronous).
 */
export type ExportWriter<R> = {
  start(): void | Promise<void>;
  write(rows: R[]): void | Promise<void>;
  finish(rowCount: number): Promise<void>;
  /** The export stopped early (client gone or a failure): release buffers, emit nothing more. */
  abort(): void;
};
