import type { AuditEventRow } from '@/db/schema/audit-events';
import { isoText } from '@/db/iso-text';

/**
 * audit_events rows in COPY's text format, for the append's `COPY … FROM STDIN` on a server (chain-entries.ts).
 * A row is rendered before the chain-head lock without its place in the chain (the prefix); under the lock only
 * seq, prev_hash and hash are appended. Values go in as the JSON path stores them: jsonb from JSON text, text[]
 * as an array literal, timestamps as ISO 8601 UTC.
 */

/** A row to store, all but its place in the chain. */
export type CopyRowFields = Omit<AuditEventRow, 'seq' | 'prevHash' | 'hash'>;

// In the order the prefix writes them; the chain's three columns come last.
const PREFIX_COLUMNS = [
  'org_id',
  'id',
  'occurred_at',
  'received_at',
  'actor_type',
  'actor_id',
  'actor_label',
  'source',
  'ip',
  'user_agent',
  'request_id',
  'action',
  'object_type',
  'object_id',
  'object_label',
  'module',
  'project',
  'message',
  'result',
  'error_message',
  'before',
  'after',
  'changes',
  'changed_fields',
  'metadata',
] as const;

/** Every column a COPY into audit_events writes, in COPY text order (the bench's yardsticks use the same list). */
export const AUDIT_EVENT_COPY_COLUMNS = [...PREFIX_COLUMNS, 'seq', 'prev_hash', 'hash'] as const;
const COLUMN_LIST = AUDIT_EVENT_COPY_COLUMNS.map((c) => `"${c}"`).join(', ');
/** The append's statement on a server: every column, the chain's last. */
export const AUDIT_EVENTS_COPY_STATEMENT = `copy audit_events (${COLUMN_LIST}) from stdin`;
/** The same on PGlite, which reads the text from the Blob handed to the query as the file /dev/blob. */
export const AUDIT_EVENTS_COPY_BLOB_STATEMENT = `copy audit_events (${COLUMN_LIST}) from '/dev/blob'`;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** COPY text escaping: backslash, tab, newline and carriage return (NUL never reaches here: validation and storable.ts). */
function escapeText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

const text = (v: string | null | undefined) => (v === null || v === undefined ? '\\N' : escapeText(v));
const json = (v: unknown) => (v === null || v === undefined ? '\\N' : escapeText(JSON.stringify(v)));
const ARRAY_ITEM_ESCAPE = /["\\]/g;
const arrayLiteral = (items: readonly string[]) => `{${items.map((s) => `"${s.replace(ARRAY_ITEM_ESCAPE, (c) => `\\${c}`)}"`).join(',')}}`;

/**
 * The row's COPY text up to (and with the tab before) seq: everything but its place in the chain. `jsonTexts`
 * may hand over JSON already serialized (the hash's canonical form is valid JSON for jsonb). One flat string
 * (the cells joined once): prepared rows wait for the chain-head lock, and a flat string is the cheapest thing
 * for the garbage collector to keep. Pure.
 */
export function copyRowPrefix(r: CopyRowFields, jsonTexts?: { before?: string; after?: string; changes?: string; metadata?: string }): string {
  const j = (given: string | undefined, v: unknown) => (given === undefined ? json(v) : v === null || v === undefined ? '\\N' : escapeText(given));
  return [
    r.orgId,
    r.id,
    isoText(r.occurredAt),
    isoText(r.receivedAt),
    r.actorType,
    text(r.actorId),
    escapeText(r.actorLabel),
    r.source,
    text(r.ip),
    text(r.userAgent),
    text(r.requestId),
    escapeText(r.action),
    escapeText(r.objectType),
    text(r.objectId),
    text(r.objectLabel),
    text(r.module),
    text(r.project),
    escapeText(r.message),
    r.result,
    text(r.errorMessage),
    j(jsonTexts?.before, r.before),
    j(jsonTexts?.after, r.after),
    j(jsonTexts?.changes, r.changes),
    escapeText(arrayLiteral(r.changedFields)),
    j(jsonTexts?.metadata, r.metadata),
    '', // the tab before seq
  ].join('\t');
}

/** A whole COPY line: the prefix plus the row's place in the chain. Pure. */
export function copyRowLine(prefix: string, seq: number, prevHash: string, hash: string): string {
  return `${prefix}${seq}\t${prevHash}\t${hash}\n`;
}
