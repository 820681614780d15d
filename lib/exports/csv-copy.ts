import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { buildAuditWhere, keysetCondition, orderBy, sortValueExpression, type QueryFilters } from '@/db/queries/audit-where';
import { auditEvents } from '@/db/schema';
import type { Cursor } from '@/lib/view/cursor';
import type { Sort } from '@/lib/view/search-params';
import { ChangesCsvWriter } from './changes-csv';
import { changesText } from './changes-text';
import { TABLE_COLUMN_KEYS, type TableColumnKey } from './columns';
import { csvField } from './csv';
import { startsWithFormulaTrigger } from './formula-guard';
import { postgresJsClient, readAhead, type BatchSource, type FetchedBatch } from './read-batches';
import { createZoneFormatter, type ZoneFormatter } from './time';

/**
 * The CSV export's fast path on a PostgreSQL server: each keyset batch is one
 * `COPY (SELECT … the page's where-builder, ORDER BY, keyset condition, LIMIT …) TO STDOUT WITH (FORMAT csv)`,
 * and Node turns PostgreSQL's CSV into the export's CSV at the byte level as it streams in. Most columns
 * pass through as bytes (the formula guard inserts a quote where needed; RFC 4180 quoting is the same rule
 * PostgreSQL applies, checked per field), so no row objects or per-column strings are made; the time
 * columns are formatted from epoch milliseconds in the viewer's zone (the same cached zone offsets as
 * every format), and the changes column is converted from jsonb's text (changes-csv.ts; unusual shapes
 * through changesText). The output is byte for byte what createCsvWriter makes from rows.
 *
 * Why: reading rows through the wire protocol costs Node more per row than PostgreSQL spends producing
 * them; COPY's CSV is the cheapest form rows leave PostgreSQL in (the benchmark's yardstick), so with
 * the next batch streaming while the consumer takes this one, the export runs close to raw COPY speed.
 *
 * COPY takes no bind parameters, so the statement Drizzle built is sent with its parameters inlined as
 * escaped literals (E'…' with quotes and backslashes doubled: safe whatever standard_conforming_strings
 * says). Everything else (tenancy, filters, sort, keyset, batch size, one query per batch, at most one
 * batch read ahead) is as in read-batches.ts.
 */

export type CsvBatch = { rows: number; bytes: Buffer };

const t = auditEvents;

type Cell = { kind: 'iso' | 'local' } | { kind: 'text' | 'changes' | 'seq'; column: AnyPgColumn };

/** Every CSV column and where its bytes come from (text: passed through). Order: TABLE_COLUMN_KEYS. */
const CELLS: Record<TableColumnKey, Cell> = {
  iso: { kind: 'iso' },
  local: { kind: 'local' },
  actor: { kind: 'text', column: t.actorLabel },
  actorType: { kind: 'text', column: t.actorType },
  ip: { kind: 'text', column: t.ip },
  action: { kind: 'text', column: t.action },
  objectType: { kind: 'text', column: t.objectType },
  objectId: { kind: 'text', column: t.objectId },
  objectLabel: { kind: 'text', column: t.objectLabel },
  message: { kind: 'text', column: t.message },
  changes: { kind: 'changes', column: t.changes },
  result: { kind: 'text', column: t.result },
  error: { kind: 'text', column: t.errorMessage },
  source: { kind: 'text', column: t.source },
  requestId: { kind: 'text', column: t.requestId },
  eventId: { kind: 'text', column: t.id },
  seq: { kind: 'seq', column: t.seq },
  prevHash: { kind: 'text', column: t.prevHash },
  hash: { kind: 'text', column: t.hash },
};

// COPY's columns: epoch milliseconds first (both time cells read it), then one per other cell in CSV order,
// then the sort value when the sort is not by time (cursor only). The plan says which field feeds each cell.
const K_ISO = 0;
const K_LOCAL = 1;
const K_TEXT = 2;
const K_CHANGES = 3;
const K_SEQ = 4;
const KINDS = { iso: K_ISO, local: K_LOCAL, text: K_TEXT, changes: K_CHANGES, seq: K_SEQ } as const;
const PLAN_KIND: number[] = [];
const PLAN_FIELD: number[] = [];
const COPY_COLUMNS: SQL[] = [sql`(extract(epoch from ${t.occurredAt}) * 1000)::int8`];
for (const key of TABLE_COLUMN_KEYS) {
  const cell = CELLS[key];
  PLAN_KIND.push(KINDS[cell.kind]);
  if (!('column' in cell)) {
    PLAN_FIELD.push(0);
  } else {
    PLAN_FIELD.push(COPY_COLUMNS.length);
    COPY_COLUMNS.push(sql`${cell.column}`);
  }
}
const F_TIME = 0;
const F_ID = PLAN_FIELD[TABLE_COLUMN_KEYS.indexOf('eventId')]!;
const F_SORT = COPY_COLUMNS.length;

/** A SQL literal for a bound parameter: E'…' (quotes and backslashes doubled), a finite number, or NULL. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('A text parameter holds a NUL character');
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new Error(`Cannot inline a ${typeof value} parameter into COPY`);
}

/**
 * Replaces $1…$n in Drizzle's statement with literals. Refuses a statement with any other `$` (a
 * placeholder could then hide in a literal or name) or placeholders that are not exactly $1…$n in order.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  if (text.replace(/\$\d+/g, '').includes('$')) throw new Error('Unexpected $ in the export query');
  let expected = 1;
  const inlined = text.replace(/\$(\d+)/g, (_, n: string) => {
    if (Number(n) !== expected) throw new Error('Unexpected parameter placeholder in the export query');
    return sqlLiteral(params[expected++ - 1]);
  });
  if (expected !== params.length + 1) throw new Error('Parameter count mismatch in the export query');
  return inlined;
}

type PostgresJsCopy = { unsafe(query: string): { readable(): Promise<NodeJS.ReadableStream> } };

/**
 * postgres.js (3.4.x) pauses the connection's socket when a COPY stream's buffer is full; if CopyDone was
 * in the same network read, nothing resumes it and the next query on that connection hangs (porsager/postgres
 * issues #499 and #917, fix proposed in PR #1016). The stream's read() is postgres.js's `socket.resume()`:
 * calling it once the COPY has ended (or failed) leaves the connection usable. Harmless when not paused.
 */
function resumeSocket(stream: NodeJS.ReadableStream): void {
  const read = (stream as { _read?: (size: number) => void })._read;
  try {
    read?.call(stream, 0);
  } catch {
    // Not postgres.js's stream: nothing to resume.
  }
}

/**
 * Keyset batches of finished CSV bytes for the CSV export, or null when the database is not a PostgreSQL
 * server reached through postgres.js (PGlite: the row path, createBatchReader + createCsvWriter).
 */
export function createCsvCopyReader(db: DbOrTx, opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; zone: string }): BatchSource<CsvBatch> | null {
  const client = postgresJsClient(db) as unknown as PostgresJsCopy | null;
  if (!client) return null;
  const base = buildAuditWhere(opts.orgId, opts.filters);
  const valueExpr = sortValueExpression(opts.sort);
  const selection = Object.fromEntries(COPY_COLUMNS.map((c, i) => [`c${i}`, c]));
  if (valueExpr) selection[`c${F_SORT}`] = sql`${valueExpr}`;
  const fields = COPY_COLUMNS.length + (valueExpr ? 1 : 0);
  const time = createZoneFormatter(opts.zone);
  const scratch = { out: Buffer.allocUnsafe(1 << 20) };
  const changesCache = new Map<string, Buffer>();

  const copyText = (cursor: Cursor | null): string => {
    const query = db
      .select(selection)
      .from(auditEvents)
      .where(cursor ? and(base, keysetCondition(opts.sort, cursor)) : base)
      .orderBy(orderBy(opts.sort))
      .limit(opts.batchSize + 1)
      .toSQL();
    return `copy (${inlineParams(query.sql, query.params)}) to stdout with (format csv)`;
  };
  // A filter whose parameters cannot be written as literals keeps the row path (checked once, up front).
  try {
    copyText(null);
  } catch {
    return null;
  }

  const fetchBatch = async (cursor: Cursor | null): Promise<FetchedBatch<CsvBatch>> => {
    const stream = await client.unsafe(copyText(cursor)).readable();
    const parser = new CopyCsvParser(fields, opts.batchSize, time, scratch, Boolean(valueExpr), changesCache);
    return new Promise((resolve, reject) => {
      let failed = false;
      const fail = (error: unknown) => {
        // Keep draining (the data handler ignores chunks now) so the connection finishes the COPY cleanly.
        if (failed) return;
        failed = true;
        reject(error);
      };
      // Rows arrive as one 'data' event each (postgres.js pushes every CopyData message), many per socket
      // read. They are collected and converted together once that read is handled, so the per-chunk work
      // (a Latin-1 view, a call) is shared by the rows; after a failure the stream only drains.
      const chunks: Buffer[] = [];
      let scheduled = false;
      const convert = () => {
        scheduled = false;
        if (failed || chunks.length === 0) return;
        const chunk = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        try {
          parser.push(chunk);
        } catch (error) {
          fail(error);
        }
      };
      stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        chunks.push(chunk);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(convert);
        }
      });
      stream.on('error', (error) => {
        resumeSocket(stream);
        fail(error);
      });
      stream.on('end', () => {
        resumeSocket(stream);
        convert();
        if (failed) return;
        try {
          resolve(parser.finish());
        } catch (error) {
          fail(error);
        }
      });
    });
  };

  // The next batch streams (and is converted) while the consumer takes this one: at most one ahead.
  return readAhead(fetchBatch, true);
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const APOSTROPHE = 39;
/** Longest int8 text that Number() and String() round-trip unchanged (the row path's seq is a JS number). */
const SAFE_SEQ_DIGITS = 15;
/** Changes cells remembered per export: at most this many (then forgotten at once), each of at most this raw length. */
const CHANGES_CACHE_ENTRIES = 8192;
const CHANGES_CACHE_MAX_LENGTH = 512;
/** Room for the two time cells (their fast-path text is at most 29 + 19 bytes) and the separators. */
const TIME_ROOM = 64;

function isTrigger(code: number): boolean {
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13;
}

/**
 * Parses PostgreSQL's CSV (records end in LF; a field is quoted when it holds a comma, quote, CR or LF, or
 * is the empty string; quotes doubled inside) chunk by chunk and writes the export's CSV for each record.
 * Record batchSize + 1 is the look-ahead row: it only says that more rows exist.
 *
 * Speed: each chunk (the rows of one network read) is viewed once as a Latin-1 string, so byte offsets are
 * string indexes and field boundaries come from String#indexOf (no per-byte JavaScript, which costs more
 * than the native search here). Runs of fields that pass through unchanged (the usual case) are copied with
 * one native copy per run; a record split across chunks waits in `pending`.
 */
export class CopyCsvParser {
  private starts: Int32Array;
  private ends: Int32Array;
  /** Bit 1: quoted. Bit 2: the text needs quoting (a comma, quote, CR or LF). */
  private flags: Uint8Array;
  private pending: Buffer | null = null;
  private out: Buffer;
  private o = 0;
  private records = 0;
  private lastKept: Cursor | null = null;
  private changes = new ChangesCsvWriter();

  constructor(
    private fields: number,
    private batchSize: number,
    private time: ZoneFormatter,
    private scratch: { out: Buffer },
    private hasSortValue: boolean,
    /** Raw jsonb text (Latin-1 view) → the finished cell, for this export; see writeChanges. */
    private changesCache: Map<string, Buffer>,
  ) {
    this.starts = new Int32Array(fields);
    this.ends = new Int32Array(fields);
    this.flags = new Uint8Array(fields);
    this.out = scratch.out;
  }

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    const str = buf.toString('latin1');
    let pos = 0;
    while (pos < buf.length) {
      const end = this.parseRecord(str, pos);
      if (end < 0) {
        this.pending = buf.subarray(pos);
        return;
      }
      this.records++;
      if (this.records <= this.batchSize) this.writeRecord(buf, str, end - pos);
      if (this.records === this.batchSize) this.lastKept = this.cursorOf(buf, str);
      pos = end;
    }
  }

  finish(): FetchedBatch<CsvBatch> {
    if (this.pending && this.pending.length > 0) throw new Error('COPY output ended inside a record');
    const kept = Math.min(this.records, this.batchSize);
    const bytes = Buffer.allocUnsafe(this.o);
    this.out.copy(bytes, 0, 0, this.o);
    // The scratch buffer (possibly grown) serves the next batch; only the exact bytes leave.
    this.scratch.out = this.out;
    // The cursor is the last kept row's; it only exists (and matters) when there are more rows.
    return { batch: { rows: kept, bytes }, more: this.records > this.batchSize, cursor: this.lastKept };
  }

  /** Field boundaries of the record at `pos` into starts/ends/flags; the offset after its LF, or -1 if incomplete. */
  private parseRecord(str: string, pos: number): number {
    const len = str.length;
    const { starts, ends, flags } = this;
    const last = this.fields - 1;
    let i = pos;
    for (let f = 0; f <= last; f++) {
      if (i >= len) return -1;
      if (str.charCodeAt(i) === QUOTE) {
        const s = i + 1;
        let j = s;
        let doubled = false;
        let q: number;
        for (;;) {
          q = str.indexOf('"', j);
          if (q < 0 || q + 1 >= len) return -1;
          if (str.charCodeAt(q + 1) !== QUOTE) break;
          doubled = true;
          j = q + 2;
        }
        starts[f] = s;
        ends[f] = q;
        // PostgreSQL quotes exactly what needs it, and the empty string; checked rather than assumed.
        let needs = doubled;
        if (!needs && q > s) {
          // Searched within the field only (the chunk holds many records).
          const text = str.slice(s, q);
          needs = text.includes(',') || text.includes('\n') || text.includes('\r');
        }
        flags[f] = needs ? 3 : 1;
        i = q + 1;
      } else {
        const e = str.indexOf(f === last ? '\n' : ',', i);
        if (e < 0) return -1;
        starts[f] = i;
        ends[f] = e;
        flags[f] = 0;
        i = e;
      }
      const sep = str.charCodeAt(i);
      if (sep !== (f === last ? LF : COMMA)) {
        if (i >= len) return -1;
        throw new Error('COPY output is not the expected CSV');
      }
      i++;
    }
    return i;
  }

  private ensure(bytes: number): void {
    if (this.o + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.o + bytes));
    this.out.copy(grown, 0, 0, this.o);
    this.out = grown;
  }

  /** Bytes [from, to) of the record, as they are (a few bytes by hand: cheaper than a native call). */
  private copy(buf: Buffer, from: number, to: number): void {
    if (to - from > 16) {
      this.o += buf.copy(this.out, this.o, from, to);
      return;
    }
    const out = this.out;
    let o = this.o;
    for (let i = from; i < to; i++) out[o++] = buf[i]!;
    this.o = o;
  }

  /** A string cell (changes, long seq, a time outside the fast range): csvField, then UTF-8. */
  private writeString(text: string): void {
    const field = csvField(text);
    this.ensure(field.length * 3);
    this.o += this.out.write(field, this.o, 'utf8');
  }

  /**
   * A time cell. In 1970–9999 the text starts with a digit and holds no comma, quote, CR or LF, so csvField
   * leaves it as it is and the formatter writes it straight into the buffer; otherwise through csvField.
   */
  private writeTime(ms: number, local: boolean): void {
    const o = this.time.writeMs(this.out, this.o, ms, local);
    if (o >= 0) this.o = o;
    else this.writeString(local ? this.time.localMs(ms) : this.time.isoMs(ms));
  }

  /** A field that needs a change: the formula guard's quote, or quotes added or dropped (as csvField does). */
  private writeField(buf: Buffer, str: string, f: number): void {
    const s = this.starts[f]!;
    const e = this.ends[f]!;
    if (s === e) return;
    const quoted = (this.flags[f]! & 2) !== 0;
    const out = this.out;
    if (quoted) out[this.o++] = QUOTE;
    if (isTrigger(str.charCodeAt(s))) out[this.o++] = APOSTROPHE;
    // Quoted text keeps PostgreSQL's doubled quotes: the same escaping as csvField.
    this.copy(buf, s, e);
    if (quoted) out[this.o++] = QUOTE;
  }

  /** Whether field f's bytes (with PostgreSQL's quotes) are already the export's cell. */
  private plain(str: string, f: number): boolean {
    const s = this.starts[f]!;
    const e = this.ends[f]!;
    const flag = this.flags[f]!;
    // Unquoted empty (NULL) is already the empty cell; quoted empty ('') or quotes not needed are not.
    if (s === e) return flag === 0;
    if (flag === 1) return false;
    return !isTrigger(str.charCodeAt(s));
  }

  /** The field's text (quotes un-doubled). */
  private text(buf: Buffer, f: number): string {
    const raw = buf.toString('utf8', this.starts[f], this.ends[f]);
    return this.flags[f]! & 2 ? raw.replaceAll('""', '"') : raw;
  }

  /**
   * The changes cell from the jsonb text: NULL and [] are empty; the usual shape is converted from the bytes
   * (changes-csv.ts); anything else is csvField(changesText(JSON.parse(text))), as on the row path.
   */
  private writeChanges(buf: Buffer, str: string, f: number): void {
    const s = this.starts[f]!;
    const e = this.ends[f]!;
    if (s === e || (e - s === 2 && str.charCodeAt(s) === 91 && str.charCodeAt(s + 1) === 93)) return;
    // The same change (a flag flipped, a status set) recurs across an audit log: its cell is remembered.
    const key = e - s <= CHANGES_CACHE_MAX_LENGTH ? str.substring(s, e) : null;
    const known = key === null ? undefined : this.changesCache.get(key);
    if (known) {
      this.ensure(known.length);
      this.o += known.copy(this.out, this.o);
      return;
    }
    const from = this.o;
    let o = -1;
    if (this.flags[f]! & 1) {
      this.ensure(ChangesCsvWriter.room(s, e));
      o = this.changes.write(buf, str, s, e, this.out, this.o);
    }
    if (o >= 0) this.o = o;
    else this.writeString(changesText(JSON.parse(this.text(buf, f)) as Parameters<typeof changesText>[0]));
    if (key !== null) {
      if (this.changesCache.size >= CHANGES_CACHE_ENTRIES) this.changesCache.clear();
      // The key is stored as its own string: a substring would keep the whole chunk's string alive.
      this.changesCache.set(buf.toString('latin1', s, e), Buffer.from(this.out.subarray(from, this.o)));
    }
  }

  /** The epoch-milliseconds field (an int8: optional minus, digits). */
  private millis(str: string): number {
    const s = this.starts[F_TIME]!;
    const e = this.ends[F_TIME]!;
    const negative = str.charCodeAt(s) === 45;
    let i = negative ? s + 1 : s;
    if (i >= e || e - i > 16) throw new Error('COPY output has a malformed time');
    let ms = 0;
    for (; i < e; i++) {
      const d = str.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new Error('COPY output has a malformed time');
      ms = ms * 10 + d;
    }
    return negative ? -ms : ms;
  }

  private writeRecord(buf: Buffer, str: string, recordBytes: number): void {
    // Enough for every pass-through byte plus a guard quote and two quotes per field, and both times.
    this.ensure(recordBytes + 3 * this.fields + TIME_ROOM);
    const ms = this.millis(str);
    const { starts, ends, flags } = this;
    // A run: consecutive fields copied as one range of COPY's record (with its quotes and the commas between).
    let runStart = -1;
    let runEnd = -1;
    let runField = -1;
    for (let c = 0; c < PLAN_KIND.length; c++) {
      const kind = PLAN_KIND[c]!;
      const f = PLAN_FIELD[c]!;
      if ((kind === K_TEXT || (kind === K_SEQ && ends[f]! - starts[f]! <= SAFE_SEQ_DIGITS)) && this.plain(str, f)) {
        const from = flags[f] ? starts[f]! - 1 : starts[f]!;
        const to = flags[f] ? ends[f]! + 1 : ends[f]!;
        if (runStart >= 0 && f === runField + 1) {
          runEnd = to;
        } else {
          if (runStart >= 0) this.copy(buf, runStart, runEnd);
          if (c > 0) this.out[this.o++] = COMMA;
          runStart = from;
          runEnd = to;
        }
        runField = f;
        continue;
      }
      if (runStart >= 0) this.copy(buf, runStart, runEnd);
      runStart = -1;
      if (c > 0) this.out[this.o++] = COMMA;
      if (kind === K_TEXT) this.writeField(buf, str, f);
      else if (kind === K_ISO) this.writeTime(ms, false);
      else if (kind === K_LOCAL) this.writeTime(ms, true);
      else if (kind === K_CHANGES) this.writeChanges(buf, str, f); else if (ends[f]! - starts[f]! <= SAFE_SEQ_DIGITS) this.writeField(buf, str, f);
      else this.writeString(String(Number(this.text(buf, f))));
    }
    if (runStart >= 0) this.copy(buf, runStart, runEnd);
    this.out[this.o++] = CR;
    this.out[this.o++] = LF;
  }

  private cursorOf(buf: Buffer, str: string): Cursor {
    const at = new Date(this.millis(str));
    const id = this.text(buf, F_ID);
    return this.hasSortValue ? { v: this.text(buf, F_SORT), at, id } : { at, id };
  }
}

// Keep the guard's two spellings in step (byte check here, string check in formula-guard.ts).
for (const c of ['=', '+', '-', '@', '\t', '\r', 'a', "'", ' ']) {
  if (isTrigger(c.charCodeAt(0)) !== startsWithFormulaTrigger(c)) throw new Error(`formula guard mismatch for ${JSON.stringify(c)}`);
}
