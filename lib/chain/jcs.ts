import { sortKeys } from './sort-keys';

// The one home of canonical JSON: canonicalize (JS values, below) and jsonTextToJcs (JSON text, further down,
// the verifier's fast path), held equal by the tests named there.

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one exact byte sequence per JSON value, so a hash or a
 * signature over it can be recomputed by anyone, in any language.
 *
 * - Objects: members sorted by key, comparing UTF-16 code units (what Array.prototype.sort does by default);
 *   no whitespace anywhere.
 * - Numbers: the ECMAScript Number-to-String algorithm (`String(n)`: shortest round-trip form, `1e+30`,
 *   `-0` becomes `0`); NaN and ±Infinity are not JSON and throw.
 * - Strings: `"` and `\` escaped, U+0008/09/0A/0C/0D as \b \t \n \f \r, other controls below U+0020 as
 *   \u00xx (lower-case hex), everything else literal. Lone surrogates are not I-JSON and throw.
 * - Input follows JSON.stringify's value model (toJSON is honoured, so Dates become ISO strings; members
 *   whose value is undefined or a function are left out; such array elements become null), because that is
 *   exactly what the database receives for a jsonb column.
 */
export function canonicalize(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const ordered = jcsOrderedCopy(value);
    if (ordered !== NOT_PLAIN) return JSON.stringify(ordered);
  }
  return serialize(value, false);
}

// ---- Plain JSON through the engine's JSON.stringify ----------------------------------------------------------------
//
// For plain JSON (what JSON.parse makes: plain objects and arrays, finite numbers, well-formed strings) RFC 8785
// differs from JSON.stringify only in member order: numbers are Number::toString in both, and for well-formed
// strings JSON.stringify escapes exactly as §3.2.2.2 asks. So JSON.stringify over a copy whose objects received
// their keys in JCS order is the canonical form, written natively in one flat string (serialize's string building
// cost more than the hashing). Anything else (toJSON, undefined members, non-finite numbers, lone surrogates, keys
// that are array indexes, which objects always list first, "__proto__") takes serialize. Invariant: equal to
// serialize(value, false) for every value, pinned by tests/unit/jcs.test.ts ("JSON.stringify path").

const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/** A copy of `value` with every object's keys inserted in JCS order, or NOT_PLAIN. */
function jcsOrderedCopy(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? value : NOT_PLAIN;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  // Deep values go through serialize, whose recursion is the reference anyway.
  if (depth > 64 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = jcsOrderedCopy(value[i], depth + 1);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const keys = Object.keys(value);
  if (keys.length > 1) sortKeys(keys);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    // A key starting with a digit may be an array index (listed before every other key whatever the insertion order).
    if ((first >= 48 && first <= 57) || key === '__proto__' || !key.isWellFormed()) return NOT_PLAIN;
    const v = jcsOrderedCopy((value as Record<string, unknown>)[key], depth + 1);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    out[key] = v;
  }
  return out;
}

// Characters that need an escape in JSON, or a well-formedness check (surrogates); most strings have none.
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A JSON string literal in JCS form; throws on lone surrogates (not I-JSON). */
export function serializeString(s: string): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  if (!s.isWellFormed()) throw new TypeError('JCS: strings must not contain lone surrogates (RFC 8785 §3.2.2.2)');
  // For well-formed strings ECMAScript's JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 requires.
  return JSON.stringify(s);
}

function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`JCS: ${n} is not a JSON number`);
  return String(n); // Number::toString; String(-0) === '0'
}

// Hot path of every hash: strings are built by concatenation (no intermediate arrays), keys sorted once.
function serialize(input: unknown, inArray: boolean): string {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return serializeNumber(value);
    case 'string':
      return serializeString(value);
    case 'bigint':
      throw new TypeError('JCS: bigint is not a JSON value');
    case 'undefined':
    case 'function':
    case 'symbol':
      if (inArray) return 'null';
      throw new TypeError(`JCS: ${typeof value} is not a JSON value`);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + serialize(value[i], true);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${first ? '' : ','}${serializeString(key)}:${serialize(v, false)}`;
    first = false;
  }
  return `${out}}`;
}

// ---- From JSON text ---------------------------------------------------------------------------------------------
//
// The verifier reads jsonb columns as PostgreSQL's text (jsonb_out) and rewrites that text into canonical form
// directly, instead of JSON.parse + canonicalize per row. Invariant tying it to canonicalize above: for every
// text, jsonTextToJcs(text) is either null or exactly canonicalize(JSON.parse(text)) - never another string.
// Pinned by tests/unit/chain-verify-fast.test.ts ("writes canonicalize(JSON.parse(text)) for random values"
// and the decline cases); tests/unit/jcs.test.ts pins canonicalize itself to RFC 8785's examples.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001f]/;
const SIMPLE_INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
// The escapes RFC 8785 writes (and jsonb_out too): \" \\ \b \f \n \r \t, other controls as \u00xx lower-case.
const CANONICAL_ESCAPE = /\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]))/y;

// The parser's cursor: one text at a time, module-level so the hot loop allocates nothing per call.
let src = '';
let pos = 0;
let backslash = -1;

/**
 * RFC 8785 canonical form straight from JSON text: exactly `canonicalize(JSON.parse(text))`, or null when the
 * text takes a form this does not rewrite (another escape form, a duplicate key, a number beyond a double, lone
 * surrogates, invalid JSON); the caller then parses it. Members are sorted by UTF-16 code units, numbers become
 * Number::toString, strings are copied as they stand when their escapes are already canonical.
 */
export function jsonTextToJcs(text: string): string | null {
  // Lone surrogates: canonicalize throws. Raw controls: not JSON in strings, and jsonb_out writes none between tokens.
  if (!wellFormed(text) || CONTROL.test(text)) return null;
  src = text;
  pos = 0;
  backslash = -1;
  const out = jsonValue();
  if (out === null) return null;
  skipSpace();
  return pos === src.length ? out : null;
}

function wellFormed(s: string): boolean {
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s);
}

function skipSpace(): void {
  for (;;) {
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
    else return;
  }
}

function jsonValue(): string | null {
  skipSpace();
  const c = src.charCodeAt(pos);
  if (c === 34) return jsonString();
  if (c === 123) return jsonObject();
  if (c === 91) return jsonArray();
  if (c === 116) return jsonLiteral('true');
  if (c === 102) return jsonLiteral('false');
  if (c === 110) return jsonLiteral('null');
  if (c === 45 || (c >= 48 && c <= 57)) return jsonNumber();
  return null;
}

function jsonLiteral(word: string): string | null {
  if (!src.startsWith(word, pos)) return null;
  pos += word.length;
  return word;
}

function jsonNumber(): string | null {
  const start = pos;
  for (;;) {
    const c = src.charCodeAt(pos);
    if ((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45) pos++;
    else break;
  }
  const raw = src.slice(start, pos);
  if (SIMPLE_INTEGER.test(raw)) return raw === '-0' ? '0' : raw;
  if (!JSON_NUMBER.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? String(n) : null;
}

/** The string token as it stands, quotes included; null when an escape is not in canonical form. */
function jsonString(): string | null {
  const start = pos;
  let i = start + 1;
  for (;;) {
    const q = src.indexOf('"', i);
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

function jsonObject(): string | null {
  pos++;
  skipSpace();
  if (src.charCodeAt(pos) === 125) {
    pos++;
    return '{}';
  }
  const keys: string[] = [];
  const members: string[] = [];
  let inOrder = true;
  for (;;) {
    skipSpace();
    if (src.charCodeAt(pos) !== 34) return null;
    const rawKey = jsonString();
    if (rawKey === null) return null;
    skipSpace();
    if (src.charCodeAt(pos) !== 58) return null;
    pos++;
    const v = jsonValue();
    if (v === null) return null;
    const key: string = rawKey.indexOf('\\') < 0 ? rawKey.slice(1, -1) : JSON.parse(rawKey);
    if (keys.length > 0 && !(keys[keys.length - 1]! < key)) inOrder = false;
    keys.push(key);
    members.push(rawKey + ':' + v);
    skipSpace();
    const c = src.charCodeAt(pos++);
    if (c === 125) break;
    if (c !== 44) return null;
  }
  if (inOrder) return '{' + members.join(',') + '}';
  // Insertion sort of member indexes by key (objects are small); keys compare by UTF-16 code units.
  const order: number[] = [];
  for (let a = 0; a < keys.length; a++) {
    const k = keys[a]!;
    let b = a - 1;
    while (b >= 0 && keys[order[b]!]! > k) {
      order[b + 1] = order[b]!;
      b--;
    }
    // A duplicate key: JSON.parse keeps the last one; left to the caller's parse.
    if (b >= 0 && keys[order[b]!] === k) return null;
    order[b + 1] = a;
  }
  let out = '{' + members[order[0]!];
  for (let m = 1; m < order.length; m++) out += ',' + members[order[m]!];
  return out + '}';
}

function jsonArray(): string | null {
  pos++;
  skipSpace();
  if (src.charCodeAt(pos) === 93) {
    pos++;
    return '[]';
  }
  let out = '[';
  for (;;) {
    const v = jsonValue();
    if (v === null) return null;
    out += v;
    skipSpace();
    const c = src.charCodeAt(pos++);
    if (c === 93) break;
    if (c !== 44) return null;
    out += ',';
  }
  return out + ']';
}
