import type { ExportTableRow } from '@/db/queries/audit-export-rows';
import { cursorAt } from '@/db/queries/audit-keyset';
import type { Cursor } from '@/db/vocabulary/sort';
import { ChangesCsvWriter } from './changes-csv';
import { changesText } from './changes-text';
import { TABLE_COLUMN_KEYS, type TableColumnKey } from './columns';
import { csvField } from './csv';
import { FORMULA_GUARD, isFormulaTrigger } from './formula-guard';
import type { ZoneFormatter } from './time';

/**
 * PostgreSQL's COPY CSV of the export's keyset statement -> the export's CSV bytes (csv-copy.ts runs the COPY).
 * Most columns pass through as bytes (the formula guard inserts its quote where needed; RFC 4180 quoting is
 * the rule PostgreSQL applies, checked per field); the time columns are formatted from epoch milliseconds in
 * the viewer's zone (the same cached zone offsets as every format); the changes column is converted from
 * jsonb's text (changes-csv.ts; unusual shapes through changesText). The output must be byte for byte what
 * createCsvWriter (csv-writer.ts) makes from the same rows.
 */

type Cell = { kind: 'iso' | 'local' } | { kind: 'text' | 'changes' | 'seq'; field: keyof ExportTableRow };

/** Every CSV column and where its bytes come from (text: passed through). Order: TABLE_COLUMN_KEYS. */
const CELLS: Record<TableColumnKey, Cell> = {
  iso: { kind: 'iso' },
  local: { kind: 'local' },
  actor: { kind: 'text', field: 'actorLabel' },
  actorType: { kind: 'text', field: 'actorType' },
  ip: { kind: 'text', field: 'ip' },
  action: { kind: 'text', field: 'action' },
  objectType: { kind: 'text', field: 'objectType' },
  objectId: { kind: 'text', field: 'objectId' },
  objectLabel: { kind: 'text', field: 'objectLabel' },
  message: { kind: 'text', field: 'message' },
  changes: { kind: 'changes', field: 'changes' },
  result: { kind: 'text', field: 'result' },
  error: { kind: 'text', field: 'errorMessage' },
  source: { kind: 'text', field: 'source' },
  requestId: { kind: 'text', field: 'requestId' },
  eventId: { kind: 'text', field: 'id' },
  seq: { kind: 'seq', field: 'seq' },
  prevHash: { kind: 'text', field: 'prevHash' },
  hash: { kind: 'text', field: 'hash' },
};

// COPY's fields: epoch milliseconds first (both time cells read it), then one per other cell in CSV order,
// then the sort value (cursor only; empty when sorting by time). The plan says which field feeds each cell.
const K_ISO = 0;
const K_LOCAL = 1;
const K_TEXT = 2;
const K_CHANGES = 3;
const K_SEQ = 4;
const KINDS = { iso: K_ISO, local: K_LOCAL, text: K_TEXT, changes: K_CHANGES, seq: K_SEQ } as const;
const PLAN_KIND: number[] = [];
const PLAN_FIELD: number[] = [];
/** The row fields COPY selects after the epoch milliseconds, in order (exportCopyText's `fields`). */
export const COPY_ROW_FIELDS: (keyof ExportTableRow)[] = [];
for (const key of TABLE_COLUMN_KEYS) {
  const cell = CELLS[key];
  PLAN_KIND.push(KINDS[cell.kind]);
  if (!('field' in cell)) {
    PLAN_FIELD.push(0);
  } else {
    PLAN_FIELD.push(1 + COPY_ROW_FIELDS.length);
    COPY_ROW_FIELDS.push(cell.field);
  }
}
const F_TIME = 0;
const F_ID = PLAN_FIELD[TABLE_COLUMN_KEYS.indexOf('eventId')]!;
const F_SORT = 1 + COPY_ROW_FIELDS.length;
/** Fields per COPY record. */
const FIELDS = F_SORT + 1;

/** One COPY batch converted: how many rows it holds and their finished CSV bytes. */
export type CsvBatch = { rows: number; bytes: Buffer };

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
/** Longest int8 text that Number() and String() round-trip unchanged (the row path's seq is a JS number). */
const SAFE_SEQ_DIGITS = 15;
/** Changes cells remembered per export: at most this many (then forgotten at once), each of at most this raw length. */
const CHANGES_CACHE_ENTRIES = 8192;
const CHANGES_CACHE_MAX_LENGTH = 512;
/** Room for the two time cells (their fast-path text is at most 29 + 19 bytes) and the separators. */
const TIME_ROOM = 64;

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

  private fields = FIELDS;

  constructor(
    private batchSize: number,
    private time: ZoneFormatter,
    private scratch: { out: Buffer },
    /** Raw jsonb text (Latin-1 view) → the finished cell, for this export; see writeChanges. */
    private changesCache: Map<string, Buffer>,
  ) {
    this.starts = new Int32Array(FIELDS);
    this.ends = new Int32Array(FIELDS);
    this.flags = new Uint8Array(FIELDS);
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

  /** The batch's bytes, whether the look-ahead row came, and the last kept row's position (set once batchSize rows came). */
  finish(): { batch: CsvBatch; more: boolean; last: Cursor | null } {
    if (this.pending && this.pending.length > 0) throw new Error('COPY output ended inside a record');
    const kept = Math.min(this.records, this.batchSize);
    const bytes = Buffer.allocUnsafe(this.o);
    this.out.copy(bytes, 0, 0, this.o);
    // The scratch buffer (possibly grown) serves the next batch; only the exact bytes leave.
    this.scratch.out = this.out;
    return { batch: { rows: kept, bytes }, more: this.records > this.batchSize, last: this.lastKept };
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
    if (isFormulaTrigger(str.charCodeAt(s))) out[this.o++] = FORMULA_GUARD;
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
    return !isFormulaTrigger(str.charCodeAt(s));
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
      else if (kind === K_CHANGES) this.writeChanges(buf, str, f);
      else if (ends[f]! - starts[f]! <= SAFE_SEQ_DIGITS) this.writeField(buf, str, f);
      else this.writeString(String(Number(this.text(buf, f))));
    }
    if (runStart >= 0) this.copy(buf, runStart, runEnd);
    this.out[this.o++] = CR;
    this.out[this.o++] = LF;
  }

  private cursorOf(buf: Buffer, str: string): Cursor {
    const at = new Date(this.millis(str));
    const id = this.text(buf, F_ID);
    // NULL (unquoted empty) when sorting by time; a sort value is never NULL, and PostgreSQL quotes an empty one.
    const v = this.starts[F_SORT] === this.ends[F_SORT] && this.flags[F_SORT] === 0 ? null : this.text(buf, F_SORT);
    return cursorAt(v, at, id);
  }
}
