/**
 * Node's CPU per ingested event, phase by phase, for the committed path (zod, entry, row, prepared row) and the
 * hot path (compiled checker, one pass to the prepared row), interleaved batch by batch in one process, with raw
 * yardsticks measured in the same rounds: JSON.parse of the body alone and one SHA-256 per event.
 *
 *   npm run bench:node -- [--batches 30] [--size 1000] [--only committed|hot]
 *
 * No database: every address in the data is already in PostgreSQL's text form (ingest-data.ts), so the
 * round trip that canonicalizes unusual addresses is not needed (and is not CPU of this process anyway).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseJsonBytes } from '@/lib/ingest/read-body';
import { validateBatch, validateBatchWithSchema } from '@/lib/ingest/validate-batch';
import { ingestAttribution, toAuditEntry } from '@/lib/ingest/to-audit-entry';
import { buildAuditRow } from '@/lib/recording/record';
import { linkPrepared, prepareRow, type PreparedRow } from '@/lib/chain/append';
import { prepareIngestRow } from '@/lib/ingest/prepare-ingest-row';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { uuidv7 } from '@/lib/ids';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { copyRowLine } from '@/db/queries/audit-event-copy';
import { makeApiBatch } from './scenarios/ingest-data';

const { values: args } = parseArgs({
  options: { batches: { type: 'string', default: '30' }, size: { type: 'string', default: '1000' }, only: { type: 'string' } },
});
const BATCHES = Number(args.batches);
const SIZE = Number(args.size);

const key = { orgId: '0193a000-0000-7000-8000-000000000001', keyId: '0193a000-0000-7000-8000-000000000002', name: 'bench', prefix: 'ak_bench' };
const request = { ip: '203.0.113.9', userAgent: 'bench', requestId: 'req_bench' };
const ingest = ingestAttribution(key, request);
const canonicalIps = new Map<string, string>(); // the data's addresses are all in PostgreSQL's text form already

type Phase = 'yardstick: JSON.parse' | 'yardstick: SHA-256 per event' | 'parse' | 'body hash' | 'validate' | 'entry' | 'build' | 'prepare' | 'link + COPY line';
const samples = new Map<string, number[]>();
const record = (path: string, phase: Phase, ms: number) => {
  const k = `${path}\u0000${phase}`;
  if (!samples.has(k)) samples.set(k, []);
  samples.get(k)!.push((ms * 1000) / SIZE);
};

// CPU time of this process (all its threads: the garbage collector's helpers too), not wall time: on a machine
// shared with other work the wall clock mostly measures the waiting for a core. Wall time is kept for reference.
const wall = new Map<string, number[]>();
function timed<T>(path: string, phase: Phase, fn: () => T): T {
  const t = performance.now();
  const c = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(c);
  record(path, phase, (used.user + used.system) / 1000);
  const k = `${path}\u0000${phase}`;
  if (!wall.has(k)) wall.set(k, []);
  wall.get(k)!.push(((performance.now() - t) * 1000) / SIZE);
  return out;
}

function link(path: string, rows: PreparedRow[]): string {
  return timed(path, 'link + COPY line', () => {
    const { links } = linkPrepared(rows, { seq: 0, hash: GENESIS_HASH });
    let text = '';
    for (let i = 0; i < rows.length; i++) text += copyRowLine(rows[i]!.copyPrefix, links[i]!.seq, links[i]!.prevHash, links[i]!.hash);
    return text;
  });
}

/** The committed path: zod, then entry, row and prepared row as separate objects (record-batch.ts at 536e276). */
function committed(bytes: Buffer, now: Date): string {
  const p = 'committed';
  const json = timed(p, 'parse', () => parseJsonBytes(bytes));
  if (!json.ok) throw new Error(json.message);
  timed(p, 'body hash', () => createHash('sha256').update(bytes).digest('hex'));
  const batch = timed(p, 'validate', () => validateBatchWithSchema(json.value, now));
  if (!batch.ok) throw new Error(JSON.stringify(batch));
  const entries = timed(p, 'entry', () =>
    batch.events.map((event) => {
      const occurredAt = event.occurred_at ?? now;
      return { ...toAuditEntry(event, key, { id: uuidv7(occurredAt), occurredAt }), systemMetadata: { ingest }, receivedAt: now };
    }),
  );
  const rows = timed(p, 'build', () => entries.map((e) => buildAuditRow(e)));
  const prepared = timed(p, 'prepare', () => rows.map(prepareRow));
  return link(p, prepared);
}

/** The hot path: compiled checker (zod only when it refuses), then one pass per event to its prepared row. */
function hot(bytes: Buffer, now: Date): string {
  const p = 'hot';
  const json = timed(p, 'parse', () => parseJsonBytes(bytes));
  if (!json.ok) throw new Error(json.message);
  const batch = timed(p, 'validate', () => validateBatch(json.value, now));
  if (!batch.ok) throw new Error(JSON.stringify(batch));
  const prepared = timed(p, 'prepare', () =>
    batch.events.map((event: IngestEvent) => {
      const occurredAt = event.occurred_at ?? now;
      return prepareIngestRow(event, uuidv7(occurredAt), occurredAt, { key, ingest, receivedAt: now, canonicalIps });
    }),
  );
  return link(p, prepared);
}

function yardsticks(bytes: Buffer, eventTexts: string[]): void {
  const p = 'raw';
  timed(p, 'yardstick: JSON.parse', () => JSON.parse(bytes.toString('utf8')));
  timed(p, 'yardstick: SHA-256 per event', () => {
    for (const t of eventTexts) createHash('sha256').update(t, 'utf8').digest('hex');
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const end = Date.now();
const bodies = Array.from({ length: 4 }, (_, b) => {
  const events = makeApiBatch(b * SIZE, SIZE, end - 60_000);
  return { bytes: Buffer.from(JSON.stringify(events)), texts: events.map((e) => JSON.stringify(e)) };
});

const load = [loadavg()[0]!];
for (let round = 0; round < BATCHES + 3; round++) {
  if (round === 3) {
    samples.clear();
    wall.clear();
  } // three warm-up rounds for the JIT
  const { bytes, texts } = bodies[round % bodies.length]!;
  const now = new Date();
  // Alternate which path goes first, so neither always runs on a freshly collected heap.
  // --only runs one path: in one process both paths share (and so make polymorphic) the functions they both call.
  const paths = args.only === 'hot' ? [hot] : args.only === 'committed' ? [committed] : round % 2 ? [hot, committed] : [committed, hot];
  const outputs = paths.map((path) => path(bytes, now));
  yardsticks(bytes, texts);
  if (outputs.some((text) => text.length === 0)) throw new Error('no COPY text');
}
load.push(loadavg()[0]!);

const bodyKb = bodies[0]!.bytes.length / 1024;
console.log(`${BATCHES} rounds of ${SIZE}-event batches (${bodyKb.toFixed(0)} KiB each), interleaved; medians of CPU time in us/event`);
console.log(`load average (1 min) at start / end: ${load.map((l) => l.toFixed(2)).join(' / ')}; node ${process.version}\n`);
const row = (path: string, phase: Phase) => {
  const xs = samples.get(`${path}\u0000${phase}`);
  return xs ? median(xs) : undefined;
};
const PHASES: Phase[] = ['parse', 'body hash', 'validate', 'entry', 'build', 'prepare', 'link + COPY line'];
const parseRaw = row('raw', 'yardstick: JSON.parse')!;
const shaRaw = row('raw', 'yardstick: SHA-256 per event')!;
console.log('| phase | committed | hot path |');
console.log('|---|---:|---:|');
const totals = { committed: 0, hot: 0 };
const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
for (const phase of PHASES) {
  const c = row('committed', phase);
  const h = row('hot', phase);
  totals.committed += c ?? 0;
  totals.hot += h ?? 0;
  console.log(`| ${phase} | ${fmt(c)} | ${fmt(h)} |`);
}
console.log(`| **total** | **${totals.committed.toFixed(1)}** | **${totals.hot.toFixed(1)}** |`);
console.log(`| yardstick: JSON.parse of the body | ${parseRaw.toFixed(1)} | |`);
console.log(`| yardstick: one SHA-256 per event | ${shaRaw.toFixed(1)} | |`);
const ratio = (v: number) => `${(v / parseRaw).toFixed(1)}x JSON.parse, ${(v / shaRaw).toFixed(1)}x SHA-256`;
const wallTotal = (path: string) => PHASES.reduce((sum, phase) => sum + median(wall.get(`${path}\u0000${phase}`) ?? [0]), 0);
console.log(
  `\nwall time for reference (waits for a core included): committed ${wallTotal('committed').toFixed(1)}, hot path ${wallTotal('hot').toFixed(1)} us/event`,
);
console.log(`total, committed: ${ratio(totals.committed)}; hot path: ${ratio(totals.hot)}; hot / committed = ${(totals.hot / totals.committed).toFixed(2)}`);
