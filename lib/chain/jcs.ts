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
  return serialize(value, false);
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
