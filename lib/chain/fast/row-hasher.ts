import { COPY_NULL, unescapeCopyText } from '@/lib/format/copy-text';
import { jsonTextToJcs } from '../jcs';
import { isoTime, textArray } from './column-text';

/**
 * The verifier's hot loop: one row of `COPY … TO STDOUT` text to the entry's RFC 8785 canonical form and its
 * SHA-256, without building the row as objects and serializing it again. It runs on the main thread
 * (lib/chain/verify-copy) and in the hash workers (lib/chain/verify-worker).
 *
 * Invariant tying it to the plain path: a row comes back either null or with exactly
 * `canonicalize(chainRecord(row))` of the Drizzle read (and its SHA-256). Whatever it is not certain to write
 * that way - another escape form, a duplicate key, a jsonb string value (Drizzle parses those twice), a number
 * beyond a double, a text[] with quoted, NULL or nested elements - returns null, and the caller takes the exact
 * path. Pinned by tests/unit/chain-verify-fast.test.ts ("matches computeEntryHash of the same row, or declines").
 */

/** How a chain record member's column text becomes its canonical JSON. */
export const FIELD_KINDS = ['text', 'number', 'timestamp', 'jsonb', 'textArray'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** Column indexes of the members the walk needs; `hash` is the extra last column. */
export type RowColumns = { seq: number; id: number; prevHash: number; occurredAt: number; hash: number };

/** What one COPY row comes to; `canonical` only when asked for. */
export type FastEntry = { seq: number; id: string; prevHash: string; hash: string; occurredAt: string; computed: string; canonical?: string };

/** Hashes one COPY line; null when the row is left to the exact path. */
export type RowHasher = (line: string, withCanonical: boolean) => FastEntry | null;

// Without an escape (other than \N) or a raw control, every field's text is its value.
const ESCAPED_OR_CONTROL = /\\[^N]|[\u0000-\u0008\u000a-\u001f]/;

/**
 * A row hasher for one column layout. kinds[k] and prefixes[k] (`{"key":` / `,"key":`) are the record's members
 * in sorted key order; the row has one more column, hash.
 */
export function makeRowHasher(kinds: readonly FieldKind[], prefixes: readonly string[], at: RowColumns, sha256: (s: string) => string): RowHasher {
  const n = kinds.length;
  return function hashRow(line, withCanonical) {
    const cols = line.split('\t');
    if (cols.length !== n + 1) return null;
    const plain = !ESCAPED_OR_CONTROL.test(line);
    let c = '';
    let iso: string | null = null;
    for (let k = 0; k < n; k++) {
      const raw = cols[k]!;
      c += prefixes[k];
      if (raw === COPY_NULL) {
        c += 'null';
        continue;
      }
      const v = plain ? raw : unescapeCopyText(raw);
      if (v === null) return null;
      switch (kinds[k]) {
        case 'text':
          c += plain && raw.indexOf('"') < 0 ? '"' + raw + '"' : JSON.stringify(v);
          break;
        case 'number': {
          const num = Number(v);
          if (!Number.isFinite(num)) return null;
          c += String(num);
          break;
        }
        case 'timestamp': {
          const t = isoTime(v);
          if (t === null) return null;
          if (k === at.occurredAt) iso = t;
          c += '"' + t + '"';
          break;
        }
        case 'jsonb': {
          if (v.charCodeAt(0) === 34) return null;
          const j = jsonTextToJcs(v);
          if (j === null) return null;
          c += j;
          break;
        }
        case 'textArray': {
          const a = textArray(v);
          if (a === null) return null;
          c += a;
          break;
        }
        default:
          return null;
      }
    }
    c += '}';
    const prevHash = unescapeCopyText(cols[at.prevHash]!);
    const hash = unescapeCopyText(cols[at.hash]!);
    if (iso === null || prevHash === null || hash === null) return null;
    return { seq: Number(cols[at.seq]), id: cols[at.id]!, prevHash, hash, occurredAt: iso, computed: sha256(c), canonical: withCanonical ? c : undefined };
  };
}
