import { createHash } from 'node:crypto';
import type { AuditEventRow } from '@/db/schema/audit-events';
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
  ['occurred_at', (r) => r.occurredAt.toISOString()],
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

/** An entry's canonical form around the two values only known under the head lock: prev_hash, then seq. */
type EntryTemplate = readonly [beforePrevHash: string, beforeSeq: string, afterSeq: string];

/** The canonical JSON of members whose values are wanted again (the append's COPY reuses them for jsonb). */
export type CapturedMembers = Partial<Record<'before' | 'after' | 'changes' | 'metadata', string>>;
const CAPTURED = new Set(['before', 'after', 'changes', 'metadata']);

/** canonicalEntry(row) with the values of prev_hash and seq left open; `capture` receives the JSON members' texts. */
function entryTemplate(row: Omit<ChainedFields, 'seq' | 'prevHash'>, capture?: CapturedMembers): EntryTemplate {
  const parts: string[] = [];
  let out = '{';
  let emitted = false;
  for (const { key, prefix, get } of SORTED_MEMBERS) {
    const open = key === 'prev_hash' || key === 'seq';
    const value = open ? undefined : get(row as ChainedFields);
    if (!open && (value === undefined || typeof value === 'function' || typeof value === 'symbol')) continue;
    out += `${emitted ? ',' : ''}${prefix}`;
    emitted = true;
    if (open) {
      parts.push(out);
      out = '';
    } else {
      const json = canonicalize(value);
      if (capture && CAPTURED.has(key)) capture[key as keyof CapturedMembers] = json;
      out += json;
    }
  }
  parts.push(`${out}}`);
  return parts as unknown as EntryTemplate;
}

/** Computes the hash of one entry once its place in the chain is known; see prepareEntryHash. */
export type PositionedHash = (seq: number, prevHash: string) => string;

/**
 * Does all of computeEntryHash's work that does not depend on the entry's place in the chain: serializing
 * it and hashing the bytes up to prev_hash's value (most of them: snapshots, changes and metadata sort first).
 * The returned function finishes a copy of that state, so under the chain-head lock an entry costs a few
 * hundred bytes of SHA-256. Equal to computeEntryHash({ ...row, seq, prevHash }). `capture`, if given, receives the
 * canonical JSON of before, after, changes and metadata.
 */
export function prepareEntryHash(row: Omit<ChainedFields, 'seq' | 'prevHash'>, capture?: CapturedMembers): PositionedHash {
  const [beforePrevHash, beforeSeq, afterSeq] = entryTemplate(row, capture);
  const head = createHash('sha256').update(beforePrevHash, 'utf8');
  return (seq, prevHash) =>
    head
      .copy()
      .update(`${serializeString(prevHash)}${beforeSeq}${canonicalize(seq)}${afterSeq}`, 'utf8')
      .digest('hex');
}
