import { computeEntryHash, GENESIS_HASH } from '@/lib/chain/entry-hash';
import { chainedFieldsOf } from '@/lib/chain/public-record';

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
  problem: { seq: number; message: string } | null;
};

const isEvent = (v: unknown): v is Event => Boolean(v) && typeof v === 'object' && 'seq' in (v as object) && 'hash' in (v as object);

/**
 * Checks what a receiver stored: each entry's hash recomputed from its fields (lib/chain/entry-hash.ts), each
 * prev_hash linking to the entry before it, no seq missing - unless the stream is filtered, when gaps are
 * expected but the batches' windows (after_seq..through_seq) must still meet, so a lost batch is found. Accepts
 * webhook bodies ({ batch, events }), arrays of events and single events; test events and exact duplicates
 * (at-least-once delivery) are dropped. Pure.
 */
export function verifyReceived(items: unknown[]): ReceivedVerification {
  const bySeq = new Map<number, Event>();
  const windows: Window[] = [];
  let batches = 0;
  let duplicates = 0;
  let filter = '';
  const problems: { seq: number; message: string }[] = [];
  const addEvent = (e: Event) => {
    const seq = Number(e.seq);
    const seen = bySeq.get(seq);
    if (!seen) bySeq.set(seq, e);
    else if (seen.hash === e.hash && JSON.stringify(seen) === JSON.stringify(e)) duplicates += 1;
    else problems.push({ seq, message: `#${seq} was received twice with different content` });
  };
  for (const item of items) {
    if (Array.isArray(item)) item.filter(isEvent).forEach(addEvent);
    else if (isEvent(item)) addEvent(item);
    else if (item && typeof item === 'object' && Array.isArray((item as { events?: unknown }).events)) {
      const body = item as { type?: string; batch?: Record<string, unknown>; events: unknown[] };
      if (body.type === 'audit.test') continue;
      batches += 1;
      const b = body.batch ?? {};
      if (typeof b.filter === 'string' && b.filter) filter = b.filter;
      if (typeof b.after_seq === 'number' && typeof b.through_seq === 'number') windows.push({ after: b.after_seq, through: b.through_seq });
      body.events.filter(isEvent).forEach(addEvent);
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
  problems.sort((a, b) => a.seq - b.seq);
  const problem = problems[0] ?? null;
  const good = problem ? seqs.filter((s) => s < problem.seq) : seqs;
  return {
    ok: problem === null && seqs.length > 0,
    events: bySeq.size,
    batches,
    duplicates,
    verifiedThrough: good.length > 0 ? good[good.length - 1]! : null,
    firstSeq: seqs[0] ?? null,
    filter,
    expectedGaps,
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
  if (v.events === 0) return `${received} -> nothing to verify`;
  if (v.problem === null) return `${received} -> verified${from} through #${v.verifiedThrough}${filtered}`;
  const through = v.verifiedThrough === null ? 'nothing verified' : `verified${from} through #${v.verifiedThrough}`;
  return `${received} -> ${through}, then ${v.problem.message}`;
}
