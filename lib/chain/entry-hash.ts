import { createHash } from 'node:crypto';
import type { AuditEventRow } from '@/db/schema/audit-events';
import { isoText } from '@/db/iso-text';
import { canonicalize, serializeString } from '@/lib/chain/jcs';

/** prev_hash of an organization's first entry (seq 1): there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns an entry's hash covers, as stored (ip in PostgreSQL's inet text form, jsonb as JSON values). */
export type ChainedFields = Omit<AuditEventRow, 'receivedAt' | 'hash'>;

type Member = readonly [key: string, get: (row: ChainedFields) => unknown];

// Every hashed column under its column name; occurred_at as ISO 8601 UTC with milliseconds.
const MEMBERS: readonly Member[] = [
  ['org_id', (r) => r.orgId],
  ['id', (r) => r.id],
  ['seq', (r) => r.seq],
  ['prev_hash', (r) => r.prevHash],
  ['occurred_at', (r) => isoText(r.occurredAt)],
  ['actor_type', (r) => r.actorType],
  ['actor_id', (r) => r.actorId],
  ['actor_label', (r) => r.actorLabel],
  ['source', (r) => r.source],
  ['ip', (r) => r.ip],
  ['user_agent', (r) => r.userAgent],
  ['request_id', (r) => r.requestId],
  ['action', (r) => r.action],
  ['object_type', (r) => r.objectType],
  ['object_id', (r) => r.objectId],
  ['object_label', (r) => r.objectLabel],
  ['module', (r) => r.module],
  ['project', (r) => r.project],
  ['message', (r) => r.message],
  ['result', (r) => r.result],
  ['error_message', (r) => r.errorMessage],
  ['before', (r) => r.before],
  ['after', (r) => r.after],
  ['changes', (r) => r.changes],
  ['changed_fields', (r) => r.changedFields],
  ['metadata', (r) => r.metadata],
];

/**
 * The canonical record behind an entry's hash: every recorded column except `received_at` (the server's
 * arrival stamp, not part of what the entry claims) and `hash` itself; `prev_hash` links it to its
 * predecessor. Keys are the column names; occurred_at is an ISO 8601 UTC string with milliseconds.
 */
export function chainRecord(row: ChainedFields): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, get] of MEMBERS) record[key] = get(row);
  return record;
}

// The members in JCS order (keys compared by UTF-16 code units), each key already serialized.
const SORTED_MEMBERS = [...MEMBERS].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, get]) => ({ key, prefix: `${serializeString(key)}:`, get }));

/**
 * canonicalize(chainRecord(row)), byte for byte, without building and sorting the record for every entry
 * (ingest and verification hash every row). Members whose value is undefined are left out, as JCS does.
 */
export function canonicalEntry(row: ChainedFields): string {
  let out = '{';
  for (const { prefix, get } of SORTED_MEMBERS) {
    const value = get(row);
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    out += `${out.length === 1 ? '' : ','}${prefix}${canonicalize(value)}`;
  }
  return `${out}}`;
}

/** SHA-256 (lower-case hex) over the UTF-8 bytes of the entry's RFC 8785 canonical form. */
export function computeEntryHash(row: ChainedFields): string {
  return createHash('sha256').update(canonicalEntry(row), 'utf8').digest('hex');
}

/**
 * An entry's canonical form with the values of prev_hash and seq left open (only known under the head lock):
 * `head` ends with prev_hash's key, `middle` runs from after its value to seq's key, `tail` is the rest. Each is
 * one flat string (joined, not concatenated piece by piece), and a prepared row holds no hash object: rows wait
 * for the lock with their whole batch, and a few flat strings are what the garbage collector copies fastest.
 */
export type OpenEntry = { readonly head: string; readonly middle: string; readonly tail: string };

/** The canonical JSON of members whose values are wanted again (the append's COPY reuses them for jsonb). */
export type CapturedMembers = Partial<Record<'before' | 'after' | 'changes' | 'metadata', string>>;

// SORTED_MEMBERS with what the open form needs to know of each, decided once.
const OPEN_MEMBERS = SORTED_MEMBERS.map(({ key, prefix, get }) => ({
  prefix,
  separated: `,${prefix}`,
  get,
  open: key === 'prev_hash' || key === 'seq',
  capture: key === 'before' || key === 'after' || key === 'changes' || key === 'metadata' ? (key as keyof CapturedMembers) : null,
}));

// The pieces of the text being written, reused by every call (openEntry runs from start to end without yielding).
const pieces: string[] = [];

/** The pieces joined into one flat string; the list is emptied for the next text. */
function takeJoined(): string {
  const text = pieces.join('');
  pieces.length = 0;
  return text;
}

/**
 * canonicalEntry(row) with the values of prev_hash and seq left open; `capture`, if given, receives the canonical
 * JSON of before, after, changes and metadata. hashOpenEntry closes it: equal to computeEntryHash({ ...row, seq, prevHash }).
 */
export function openEntry(row: Omit<ChainedFields, 'seq' | 'prevHash'>, capture?: CapturedMembers): OpenEntry {
  const split: string[] = [];
  let first = true;
  pieces.length = 0;
  pieces.push('{');
  for (const member of OPEN_MEMBERS) {
    if (member.open) {
      // An open member's key ends the text so far (its value goes in when the entry is hashed).
      pieces.push(first ? member.prefix : member.separated);
      first = false;
      split.push(takeJoined());
      continue;
    }
    const value = member.get(row as ChainedFields);
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    const json = typeof value === 'string' ? serializeString(value) : canonicalize(value);
    if (capture && member.capture) capture[member.capture] = json;
    pieces.push(first ? member.prefix : member.separated, json);
    first = false;
  }
  pieces.push('}');
  return { head: split[0]!, middle: split[1]!, tail: takeJoined() };
}

/** The entry's hash at its place in the chain: computeEntryHash({ ...row, seq, prevHash }) for openEntry(row). */
export function hashOpenEntry(entry: OpenEntry, seq: number, prevHash: string): string {
  return createHash('sha256')
    .update(entry.head, 'utf8')
    .update(`${serializeString(prevHash)}${entry.middle}${canonicalize(seq)}${entry.tail}`, 'utf8')
    .digest('hex');
}
