import { computeEntryHash, GENESIS_HASH } from '@/lib/chain/entry-hash';
import { chainedFieldsOf } from '@/lib/chain/public-record';
import type { StreamCheckpoint } from './sink';
import { isStreamCheckpoint } from './stream-checkpoint';
import { verifyReceivedCheckpoints, type ReceivedCheckpoints } from './verify-received-checkpoints';

type Event = Record<string, unknown> & { seq: number; hash: string; prev_hash: string };
type Window = { after: number; through: number };

export type ReceivedVerification = {
  ok: boolean;
  events: number;
  batches: number;
  duplicates: number;
  /** Highest seq up to which everything received checks out (null: nothing did). */
  verifiedThrough: number | null;
  firstSeq: number | null;
  /** Non-empty when the batches said the stream is filtered (gaps between entries are then expected). */
  filter: string;
  /** Gaps between received entries that the filter explains (a filtered stream only). */
  expectedGaps: number;
  /** The signed checkpoints received and what was checked of them. */
  checkpoints: ReceivedCheckpoints;
  problem: { seq: number; message: string } | null;
};

const isEvent = (v: unknown): v is Event => Boolean(v) && typeof v === 'object' && 'seq' in (v as object) && 'hash' in (v as object);

/** A Splunk HEC envelope's event, or a Datadog log's message parsed, as a receiver stored them; anything else as it is. */
function unwrap(item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const o = item as Record<string, unknown>;
  if ('sourcetype' in o && o.event && typeof o.event === 'object') return o.event;
  if ('ddsource' in o && typeof o.message === 'string') {
    try {
      return JSON.parse(o.message) as unknown;
    } catch {
      return item;
    }
  }
  return item;
}

/**
 * Checks what a receiver stored: each entry's hash recomputed from its fields (lib/chain/entry-hash.ts), each
 * prev_hash linking to the entry before it, no seq missing - unless the stream is filtered, when gaps are
 * expected but the batches' windows (after_seq..through_seq) must still meet, so a lost batch is found. Accepts
 * webhook bodies ({ batch, events, checkpoints }), arrays of events, single events, checkpoint records, Splunk HEC
 * envelopes and Datadog logs; test events and exact duplicates (at-least-once delivery) are dropped. Signed
 * checkpoints are checked by ./verify-received-checkpoints (signatures with `key`, roots against the entries). Pure.
 */
export function verifyReceived(items: unknown[], opts: { key?: string } = {}): ReceivedVerification {
  const bySeq = new Map<number, Event>();
  const windows: Window[] = [];
  let batches = 0;
  let duplicates = 0;
  let filter = '';
  const problems: { seq: number; message: string }[] = [];
  const checkpoints: StreamCheckpoint[] = [];
  const addEvent = (e: Event) => {
    const seq = Number(e.seq);
    const seen = bySeq.get(seq);
    if (!seen) bySeq.set(seq, e);
    else if (seen.hash === e.hash && JSON.stringify(seen) === JSON.stringify(e)) duplicates += 1;
    else problems.push({ seq, message: `#${seq} was received twice with different content` });
  };
  const addOne = (value: unknown) => {
    const v = unwrap(value);
    if (isStreamCheckpoint(v)) checkpoints.push(v);
    else if (isEvent(v)) addEvent(v);
  };
  for (const raw of items) {
    const item = unwrap(raw);
    if (Array.isArray(item)) item.forEach(addOne);
    else if (isEvent(item) || isStreamCheckpoint(item)) addOne(item);
    else if (item && typeof item === 'object' && Array.isArray((item as { events?: unknown }).events)) {
      const body = item as { type?: string; batch?: Record<string, unknown>; events: unknown[] };
      if (body.type === 'audit.test') continue;
      batches += 1;
      const b = body.batch ?? {};
      if (typeof b.filter === 'string' && b.filter) filter = b.filter;
      if (typeof b.after_seq === 'number' && typeof b.through_seq === 'number') windows.push({ after: b.after_seq, through: b.through_seq });
      body.events.filter(isEvent).forEach(addEvent);
      const carried = (item as { checkpoints?: unknown }).checkpoints;
      if (Array.isArray(carried)) checkpoints.push(...carried.filter(isStreamCheckpoint));
    }
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  let expectedGaps = 0;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const e = bySeq.get(seq)!;
    let recomputed: string | null = null;
    try {
      recomputed = computeEntryHash(chainedFieldsOf(e));
    } catch {
      recomputed = null;
    }
    if (recomputed !== e.hash) problems.push({ seq, message: `#${seq} was changed: its hash does not match its fields` });
    if (seq === 1 && e.prev_hash !== GENESIS_HASH) problems.push({ seq, message: `#1 does not start the chain (prev_hash is not the genesis hash)` });
    const prevSeq = seqs[i - 1];
    if (prevSeq === undefined) continue;
    if (seq === prevSeq + 1) {
      if (e.prev_hash !== bySeq.get(prevSeq)!.hash) problems.push({ seq, message: `#${seq} does not link to #${prevSeq} (prev_hash differs)` });
    } else if (filter) expectedGaps += 1;
    else problems.push({ seq: prevSeq + 1, message: `gap: #${prevSeq + 1}${seq - 1 > prevSeq + 1 ? `–#${seq - 1}` : ''} missing` });
  }
  // Batch windows must meet: a hole between them is a batch that never arrived (filtered or not).
  const sorted = [...windows].sort((a, b) => a.after - b.after);
  let reach: number | null = null;
  for (const w of sorted) {
    if (reach !== null && w.after > reach) problems.push({ seq: reach + 1, message: `gap: no batch covered #${reach + 1}–#${w.after}` });
    reach = reach === null ? w.through : Math.max(reach, w.through);
  }
  const checked = verifyReceivedCheckpoints(checkpoints, bySeq, { key: opts.key, filter });
  problems.push(...checked.problems);
  problems.sort((a, b) => a.seq - b.seq);
  const problem = problems[0] ?? null;
  const good = problem ? seqs.filter((s) => s < problem.seq) : seqs;
  return {
    ok: problem === null && (seqs.length > 0 || checked.count > 0),
    events: bySeq.size,
    batches,
    duplicates,
    verifiedThrough: good.length > 0 ? good[good.length - 1]! : null,
    firstSeq: seqs[0] ?? null,
    filter,
    expectedGaps,
    checkpoints: checked,
    problem,
  };
}

/** The one-line verdict the CLI prints: `received N events -> verified through #M`, or the first gap or change. */
export function describeVerification(v: ReceivedVerification): string {
  const received = `received ${v.events} event${v.events === 1 ? '' : 's'}${v.batches ? ` in ${v.batches} batch${v.batches === 1 ? '' : 'es'}` : ''}${
    v.duplicates ? ` (${v.duplicates} duplicate${v.duplicates === 1 ? '' : 's'} dropped)` : ''
  }`;
  const from = v.firstSeq !== null && v.firstSeq > 1 ? ` from #${v.firstSeq}` : '';
  const filtered = v.filter
    ? `; filtered stream (${v.filter}): ${v.expectedGaps} gap${v.expectedGaps === 1 ? '' : 's'} between matching entries expected, batch windows contiguous, every hash checked`
    : '';
  const c = v.checkpoints;
  const signed =
    c.count === 0
      ? ''
      : `; ${c.count} signed checkpoint${c.count === 1 ? '' : 's'}: ${c.signaturesChecked ? 'signatures verified with the key' : 'signatures not checked (give --key)'}, ${
          c.rootsUnchecked ?? `${c.rootsMatched} root${c.rootsMatched === 1 ? '' : 's'} rebuilt from the received entries and matching`
        }`;
  if (v.events === 0 && c.count === 0) return `${received} -> nothing to verify`;
  if (v.problem === null) return `${received} -> verified${from} through #${v.verifiedThrough}${filtered}${signed}`;
  const through = v.verifiedThrough === null ? 'nothing verified' : `verified${from} through #${v.verifiedThrough}`;
  return `${received} -> ${through}, then ${v.problem.message}`;
}
