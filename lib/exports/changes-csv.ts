import { FORMULA_GUARD, isFormulaTrigger } from './formula-guard';

/**
 * The CSV export's "Changes" cell straight from PostgreSQL's COPY output, for the usual shape of the
 * `changes` column: `csvField(changesText(JSON.parse(json)))` without parsing JSON into objects and
 * printing it again. It relies on two facts (checked by tests against the generic path):
 *
 * - jsonb's text form and JSON.stringify escape strings identically (\" \\ \b \f \n \r \t, \u00xx for
 *   other control characters, everything else literal), so a string's bytes can be copied as they are;
 * - jsonb's text form is JSON.stringify's with one space after each `,` and `:` outside strings, numbers
 *   written as PostgreSQL's numeric prints them (re-printed here as JavaScript prints the parsed number),
 *   and object keys in jsonb's order, which is JSON.parse's order unless a key is an array index (such
 *   objects take the generic path).
 *
 * Input: the field's content inside COPY's CSV quotes, where every JSON quote is doubled. Anything that is
 * not an array of objects with a plain string "path" (no escapes) returns -1 and takes the generic path.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const MAX_DEPTH = 32;

const OTHER = 0;
const PATH = 1;
const BEFORE = 2;
const AFTER = 3;

/** Which of the keys changesText reads the key [s, e) is (compared in place: no string is made). */
function keyName(str: string, s: number, e: number): number {
  const n = e - s;
  if (n === 4 && str.startsWith('path', s)) return PATH;
  if (n === 5 && str.startsWith('after', s)) return AFTER;
  if (n === 6 && str.startsWith('before', s)) return BEFORE;
  return OTHER;
}

function writeAscii(out: Uint8Array, o: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
  return o;
}

export class ChangesCsvWriter {
  private str = '';
  /** Per element: path start, path end, before start, before end, after start, after end (-1: absent). */
  private ranges: number[] = [];
  private sawQuoteOrComma = false;

  /**
   * Writes the cell for the content [s, e) of a quoted COPY field (`str` is the record's Latin-1 view, `buf`
   * its bytes) into `out` at `o`; returns the offset after it, or -1 (nothing meaningful written) when the
   * value takes the generic path. `out` needs (e - s) + 32 × elements + 64 bytes of room: see room().
   */
  write(buf: Buffer, str: string, s: number, e: number, out: Buffer, o: number): number {
    if (!this.parse(str, s, e)) return -1;
    const ranges = this.ranges;
    const elements = ranges.length / 6;
    const start = o;
    // Two bytes kept for the opening quote and the formula guard's apostrophe; the text starts after them.
    o += 2;
    for (let k = 0; k < ranges.length; k += 6) {
      if (k > 0) out[o++] = 10;
      o = this.copy(buf, ranges[k]!, ranges[k + 1]!, out, o);
      o = writeAscii(out, o, ': ');
      o = ranges[k + 2]! < 0 ? writeAscii(out, o, '(none)') : this.compact(buf, str, ranges[k + 2]!, ranges[k + 3]!, out, o);
      o = writeAscii(out, o, ' -> ');
      o = ranges[k + 4]! < 0 ? writeAscii(out, o, '(none)') : this.compact(buf, str, ranges[k + 4]!, ranges[k + 5]!, out, o);
    }
    // csvField: quoted when the text holds a quote, comma or newline (CR cannot occur: it would be escaped);
    // guarded when it starts with a trigger (the first path's first character, a path having no escapes).
    const quoted = elements > 1 || this.sawQuoteOrComma;
    const guarded = ranges[1]! > ranges[0]! && isFormulaTrigger(str.charCodeAt(ranges[0]!));
    const prefix = (quoted ? 1 : 0) + (guarded ? 1 : 0);
    if (prefix < 2) {
      out.copyWithin(start + prefix, start + 2, o);
      o -= 2 - prefix;
    }
    let p = start;
    if (quoted) out[p++] = QUOTE;
    if (guarded) out[p] = FORMULA_GUARD;
    // Quotes inside are already doubled: they were copied from the CSV-quoted input.
    if (quoted) out[o++] = QUOTE;
    return o;
  }

  /**
   * Room write() may need for the content [s, e). An element takes at least 16 input characters and adds at
   * most ": ", " -> ", "\n" and two "(none)" (19); re-printed numbers are never longer than numeric's text.
   */
  static room(s: number, e: number): number {
    return 3 * (e - s) + 64;
  }

  private copy(buf: Buffer, from: number, to: number, out: Buffer, o: number): number {
    if (to - from > 16) return o + buf.copy(out, o, from, to);
    for (let i = from; i < to; i++) out[o++] = buf[i]!;
    return o;
  }

  /** A JSON value as JSON.stringify prints it: spaces after separators dropped, numbers re-printed. */
  private compact(buf: Buffer, str: string, from: number, to: number, out: Buffer, o: number): number {
    let i = from;
    while (i < to) {
      const c = str.charCodeAt(i);
      if (c === QUOTE) {
        const end = this.stringEnd(str, i, to);
        if (end < 0) throw new Error('changes: unterminated string');
        o = this.copy(buf, i, end, out, o);
        i = end;
      } else if (c === 44 || c === 58) {
        out[o++] = c;
        i++;
        if (str.charCodeAt(i) === 32) i++;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        let j = i + 1;
        for (; j < to; j++) {
          const d = str.charCodeAt(j);
          if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
        }
        o = writeAscii(out, o, String(Number(str.slice(i, j))));
        i = j;
      } else {
        out[o++] = c;
        i++;
      }
    }
    return o;
  }

  /** The index after the JSON string starting at `i` (its quotes are doubled in the input), or -1. */
  private stringEnd(str: string, i: number, to: number): number {
    if (str.charCodeAt(i + 1) !== QUOTE) return -1;
    let j = i + 2;
    while (j < to) {
      const c = str.charCodeAt(j);
      if (c === BACKSLASH) {
        // An escaped quote is a backslash and a doubled quote; any other escape is two characters.
        j += str.charCodeAt(j + 1) === QUOTE ? 3 : 2;
      } else if (c === QUOTE) {
        return str.charCodeAt(j + 1) === QUOTE ? j + 2 : -1;
      } else {
        j++;
      }
    }
    return -1;
  }

  /** Fills `ranges` for an array of objects with a plain string path; false for anything else. */
  private parse(str: string, s: number, e: number): boolean {
    this.str = str;
    this.ranges.length = 0;
    this.sawQuoteOrComma = false;
    if (e - s < 4 || str.charCodeAt(s) !== 91 || str.charCodeAt(e - 1) !== 93) return false;
    let i = s + 1;
    for (;;) {
      i = this.element(i, e);
      if (i < 0) return false;
      if (i === e - 1) return true;
      if (str.charCodeAt(i) !== 44 || str.charCodeAt(i + 1) !== 32) return false;
      i += 2;
    }
  }

  /** One change object; records its ranges. Returns the index after it, or -1. */
  private element(i: number, e: number): number {
    const str = this.str;
    if (str.charCodeAt(i) !== 123) return -1;
    i++;
    let path = -1;
    let pathEnd = -1;
    let before = -1;
    let beforeEnd = -1;
    let after = -1;
    let afterEnd = -1;
    for (;;) {
      const keyStart = i + 2;
      const keyEnd = this.stringEnd(str, i, e);
      if (keyEnd < 0) return -1;
      i = keyEnd;
      if (str.charCodeAt(i) !== 58 || str.charCodeAt(i + 1) !== 32) return -1;
      i += 2;
      const key = keyName(str, keyStart, keyEnd - 2);
      if (key === PATH) {
        const end = this.stringEnd(str, i, e);
        if (end < 0) return -1;
        for (let j = i + 2; j < end - 2; j++) {
          const c = str.charCodeAt(j);
          if (c === BACKSLASH) return -1;
          if (c === 44) this.sawQuoteOrComma = true;
        }
        path = i + 2;
        pathEnd = end - 2;
        i = end;
      } else {
        const from = i;
        const saw = this.sawQuoteOrComma;
        i = this.value(i, e, 1);
        if (i < 0) return -1;
        if (key === BEFORE) {
          before = from;
          beforeEnd = i;
        } else if (key === AFTER) {
          after = from;
          afterEnd = i;
        } else {
          // Other keys are not shown: their quotes and commas do not make the cell need quoting.
          this.sawQuoteOrComma = saw;
        }
      }
      const c = str.charCodeAt(i);
      if (c === 125) break;
      if (c !== 44 || str.charCodeAt(i + 1) !== 32) return -1;
      i += 2;
    }
    if (path < 0) return -1;
    this.ranges.push(path, pathEnd, before, beforeEnd, after, afterEnd);
    return i + 1;
  }

  /** Skips one JSON value (checking nested objects have no array-index keys); the index after it, or -1. */
  private value(i: number, e: number, depth: number): number {
    const str = this.str;
    const c = str.charCodeAt(i);
    if (c === QUOTE) {
      this.sawQuoteOrComma = true;
      return this.stringEnd(str, i, e);
    }
    if (c === 91 || c === 123) {
      if (depth > MAX_DEPTH) return -1;
      const close = c === 91 ? 93 : 125;
      i++;
      if (str.charCodeAt(i) === close) return i + 1;
      for (;;) {
        if (c === 123) {
          const keyEnd = this.stringEnd(str, i, e);
          if (keyEnd < 0) return -1;
          // JSON.parse puts array-index keys ("0", "17") first, so such objects print in another order.
          let digits = true;
          for (let j = i + 2; j < keyEnd - 2; j++) {
            const d = str.charCodeAt(j);
            if (d < 48 || d > 57) {
              digits = false;
              break;
            }
          }
          if (digits) return -1;
          this.sawQuoteOrComma = true;
          i = keyEnd;
          if (str.charCodeAt(i) !== 58 || str.charCodeAt(i + 1) !== 32) return -1;
          i += 2;
        }
        i = this.value(i, e, depth + 1);
        if (i < 0) return -1;
        const next = str.charCodeAt(i);
        if (next === close) return i + 1;
        if (next !== 44 || str.charCodeAt(i + 1) !== 32) return -1;
        this.sawQuoteOrComma = true;
        i += 2;
      }
    }
    // A number or true / false / null: up to the next separator.
    let j = i;
    for (; j < e; j++) {
      const d = str.charCodeAt(j);
      if (d === 44 || d === 93 || d === 125) break;
    }
    if (j === i) return -1;
    const token = str.slice(i, j);
    if (token === 'true' || token === 'false' || token === 'null') return j;
    return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(token) ? j : -1;
  }
}
