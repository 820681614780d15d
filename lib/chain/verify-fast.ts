import * as crypto from 'node:crypto';

/**
 * The verifier's hot loop, as plain JavaScript source: it runs on the main thread (evaluated below) and in the
 * worker threads of ./verify-pool (as `eval` workers, so that no bundler has to know about a worker file). One
 * text, so both run the same code. It turns one row of `COPY … TO STDOUT` text into the entry's RFC 8785
 * canonical form and SHA-256, without building the row as objects and serializing it again:
 *
 * - a text column becomes its JSON string (for text decoded from UTF-8 that is what ./jcs writes);
 * - a jsonb column's text (jsonb_out) is rewritten into canonical form directly (`jsonTextToJcs`): whitespace
 *   dropped, members sorted by key (UTF-16 code units, as Array.prototype.sort), numbers as Number::toString
 *   (`1.50` -> `1.5`), strings copied as they stand when their escapes are the ones RFC 8785 writes
 *   (\" \\ \b \f \n \r \t, \u00xx in lower-case hex for the other controls - exactly jsonb_out's);
 * - timestamptz text becomes toISOString()'s form, as Drizzle's new Date(text) and chainRecord would make it.
 *
 * Whatever it is not certain to write exactly as `canonicalize(chainRecord(row))` would - another escape form,
 * a duplicate key, a jsonb string value (Drizzle parses those twice), a number beyond a double, a text[] with
 * quoted, NULL or nested elements - returns null, and the caller takes the exact path (./verify-copy). So this
 * code only ever has to be right for the common shapes; tests/unit/chain-verify-fast.test.ts holds it to
 * `canonicalize` over varied values.
 */
export const FAST_SOURCE = String.raw`
var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
var CONTROL = /[\u0000-\u001f]/;
var SIMPLE_INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/;
var JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
var CANONICAL_ESCAPE = /\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]))/y;
var UTC_TEXT = /^([1-9][0-9]{3}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,3}))?\+00$/;
var SIMPLE_ARRAY = /^\{[^"\\{}]*\}$/;
var ESCAPED_OR_CONTROL = /\\[^N]|[\u0000-\u0008\u000a-\u001f]/;
var COPY_ESCAPE = /\\(.)/g;
var COPY_ESCAPES = { '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function wellFormed(s) {
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s);
}

// ---- JSON text -> RFC 8785 ----------------------------------------------------------------------------------
var src = '';
var pos = 0;
var backslash = -1;

function jsonTextToJcs(text) {
  // Lone surrogates: ./jcs throws. Raw controls: not JSON in strings, and jsonb_out writes none between tokens.
  if (!wellFormed(text) || CONTROL.test(text)) return null;
  src = text;
  pos = 0;
  backslash = -1;
  var out = jsonValue();
  if (out === null) return null;
  skipSpace();
  return pos === src.length ? out : null;
}

function skipSpace() {
  for (;;) {
    var c = src.charCodeAt(pos);
    if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
    else return;
  }
}

function jsonValue() {
  skipSpace();
  var c = src.charCodeAt(pos);
  if (c === 34) return jsonString();
  if (c === 123) return jsonObject();
  if (c === 91) return jsonArray();
  if (c === 116) return jsonLiteral('true');
  if (c === 102) return jsonLiteral('false');
  if (c === 110) return jsonLiteral('null');
  if (c === 45 || (c >= 48 && c <= 57)) return jsonNumber();
  return null;
}

function jsonLiteral(word) {
  if (!src.startsWith(word, pos)) return null;
  pos += word.length;
  return word;
}

function jsonNumber() {
  var start = pos;
  for (;;) {
    var c = src.charCodeAt(pos);
    if ((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45) pos++;
    else break;
  }
  var raw = src.slice(start, pos);
  if (SIMPLE_INTEGER.test(raw)) return raw === '-0' ? '0' : raw;
  if (!JSON_NUMBER.test(raw)) return null;
  var n = Number(raw);
  return isFinite(n) ? String(n) : null;
}

// The string token as it stands, quotes included; null when an escape is not in canonical form.
function jsonString() {
  var start = pos;
  var i = start + 1;
  for (;;) {
    var q = src.indexOf('"', i);
    if (q < 0) return null;
    if (backslash < i) {
      backslash = src.indexOf('\\', i);
      if (backslash < 0) backslash = src.length;
    }
    if (backslash > q) {
      i = q + 1;
      break;
    }
    CANONICAL_ESCAPE.lastIndex = backslash;
    if (!CANONICAL_ESCAPE.test(src)) return null;
    i = CANONICAL_ESCAPE.lastIndex;
  }
  pos = i;
  return src.slice(start, i);
}

function jsonObject() {
  pos++;
  skipSpace();
  if (src.charCodeAt(pos) === 125) {
    pos++;
    return '{}';
  }
  var keys = [];
  var members = [];
  var inOrder = true;
  for (;;) {
    skipSpace();
    if (src.charCodeAt(pos) !== 34) return null;
    var rawKey = jsonString();
    if (rawKey === null) return null;
    skipSpace();
    if (src.charCodeAt(pos) !== 58) return null;
    pos++;
    var v = jsonValue();
    if (v === null) return null;
    var key = rawKey.indexOf('\\') < 0 ? rawKey.slice(1, -1) : JSON.parse(rawKey);
    if (keys.length > 0 && !(keys[keys.length - 1] < key)) inOrder = false;
    keys.push(key);
    members.push(rawKey + ':' + v);
    skipSpace();
    var c = src.charCodeAt(pos++);
    if (c === 125) break;
    if (c !== 44) return null;
  }
  if (inOrder) return '{' + members.join(',') + '}';
  var order = [];
  for (var a = 0; a < keys.length; a++) {
    var k = keys[a];
    var b = a - 1;
    while (b >= 0 && keys[order[b]] > k) {
      order[b + 1] = order[b];
      b--;
    }
    // A duplicate key: JSON.parse keeps the last one; left to the exact path.
    if (b >= 0 && keys[order[b]] === k) return null;
    order[b + 1] = a;
  }
  var out = '{' + members[order[0]];
  for (var m = 1; m < order.length; m++) out += ',' + members[order[m]];
  return out + '}';
}

function jsonArray() {
  pos++;
  skipSpace();
  if (src.charCodeAt(pos) === 93) {
    pos++;
    return '[]';
  }
  var out = '[';
  for (;;) {
    var v = jsonValue();
    if (v === null) return null;
    out += v;
    skipSpace();
    var c = src.charCodeAt(pos++);
    if (c === 93) break;
    if (c !== 44) return null;
    out += ',';
  }
  return out + ']';
}

// ---- COPY text columns ----------------------------------------------------------------------------------------
// A COPY text field with its backslash escapes undone (COPY TO writes only these); null for anything else.
function copyField(raw) {
  if (raw.indexOf('\\') < 0) return raw;
  var bad = false;
  var out = raw.replace(COPY_ESCAPE, function (_, c) {
    var v = COPY_ESCAPES[c];
    if (v === undefined) bad = true;
    return v;
  });
  return bad ? null : out;
}

// Drizzle: new Date(text); chainRecord: toISOString(). The "+00" form a UTC session writes is rebuilt directly.
function isoTime(text) {
  var m = UTC_TEXT.exec(text);
  if (m) return m[1] + 'T' + m[2] + '.' + (m[3] === undefined ? '000' : m[3].padEnd(3, '0')) + 'Z';
  var d = new Date(text);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

// A one-dimensional text[] whose elements PostgreSQL wrote unquoted (postgres.js reads those as they stand).
function textArray(text) {
  if (!SIMPLE_ARRAY.test(text)) return null;
  if (text.length === 2) return '[]';
  var items = text.slice(1, -1).split(',');
  var out = '[';
  for (var k = 0; k < items.length; k++) {
    var e = items[k];
    if (e === '' || e.toUpperCase() === 'NULL') return null;
    out += (k > 0 ? ',' : '') + JSON.stringify(e);
  }
  return out + ']';
}

// kinds[k]: 'text' | 'number' | 'timestamp' | 'jsonb' | 'textArray' for the record's members in sorted key
// order; the row has one more column, hash. at: column indexes of seq, id, prevHash, occurredAt, hash.
function makeRowHasher(kinds, prefixes, at, sha256) {
  var n = kinds.length;
  return function hashRow(line, withCanonical) {
    var cols = line.split('\t');
    if (cols.length !== n + 1) return null;
    // Without an escape (other than \N) or a raw control, a field's text is its value.
    var plain = !ESCAPED_OR_CONTROL.test(line);
    var c = '';
    var iso = null;
    for (var k = 0; k < n; k++) {
      var raw = cols[k];
      c += prefixes[k];
      if (raw === '\\N') {
        c += 'null';
        continue;
      }
      var v = plain ? raw : copyField(raw);
      if (v === null) return null;
      switch (kinds[k]) {
        case 'text':
          c += plain && raw.indexOf('"') < 0 ? '"' + raw + '"' : JSON.stringify(v);
          break;
        case 'number':
          var num = Number(v);
          if (!isFinite(num)) return null;
          c += String(num);
          break;
        case 'timestamp':
          var t = isoTime(v);
          if (t === null) return null;
          if (k === at.occurredAt) iso = t;
          c += '"' + t + '"';
          break;
        case 'jsonb':
          if (v.charCodeAt(0) === 34) return null;
          var j = jsonTextToJcs(v);
          if (j === null) return null;
          c += j;
          break;
        case 'textArray':
          var a = textArray(v);
          if (a === null) return null;
          c += a;
          break;
        default:
          return null;
      }
    }
    c += '}';
    var prevHash = copyField(cols[at.prevHash]);
    var hash = copyField(cols[at.hash]);
    if (iso === null || prevHash === null || hash === null) return null;
    return { seq: Number(cols[at.seq]), id: cols[at.id], prevHash: prevHash, hash: hash, occurredAt: iso, computed: sha256(c), canonical: withCanonical ? c : undefined };
  };
}
`;

/** SHA-256 (hex) of a string's UTF-8 bytes: the one-shot crypto.hash where Node has it (20.12+), else createHash. */
export const SHA256_SOURCE = String.raw`
var sha256 = typeof crypto.hash === 'function'
  ? function (s) { return crypto.hash('sha256', s); }
  : function (s) { return crypto.createHash('sha256').update(s, 'utf8').digest('hex'); };
`;

/** What one COPY row comes to; `canonical` only when asked for. */
export type FastEntry = { seq: number; id: string; prevHash: string; hash: string; occurredAt: string; computed: string; canonical?: string };
export type FieldKind = 'text' | 'number' | 'timestamp' | 'jsonb' | 'textArray';
export type RowColumns = { seq: number; id: number; prevHash: number; occurredAt: number; hash: number };
type FastApi = {
  jsonTextToJcs(text: string): string | null;
  isoTime(text: string): string | null;
  textArray(text: string): string | null;
  makeRowHasher(kinds: FieldKind[], prefixes: string[], at: RowColumns, sha256: (s: string) => string): (line: string, withCanonical: boolean) => FastEntry | null;
  sha256(s: string): string;
};

// FAST_SOURCE is a constant (shared with the workers), not input.
const api = new Function('crypto', `${FAST_SOURCE}${SHA256_SOURCE}return { jsonTextToJcs, isoTime, textArray, makeRowHasher, sha256 };`)(crypto) as FastApi;

/**
 * RFC 8785 canonical form straight from JSON text: exactly `canonicalize(JSON.parse(text))` from ./jcs, or null
 * when the text takes a form this does not rewrite (the caller then parses it).
 */
export const jsonTextToJcs = api.jsonTextToJcs;
/** toISOString() of new Date(text) for PostgreSQL's timestamptz text; null for an invalid date. */
export const isoTime = api.isoTime;
export const makeRowHasher = api.makeRowHasher;
export const sha256 = api.sha256;
