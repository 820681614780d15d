/**
 * Worker thread of the bench loader: generates one time segment of an organization's history with the demo
 * generator, builds each row with buildAuditRow and renders both its canonical chain form and its COPY line,
 * leaving the two chain values that depend on the rows before it (seq and prev_hash) as markers. The main
 * thread fills them in order and hashes (bench/lib/load.ts), so the expensive part runs on both cores.
 */
import { parentPort } from 'node:worker_threads';
import { demoEntries, type DemoPerson } from '@/db/seed/demo';
import { toChainedFields } from '@/lib/audit/chain/append';
import { chainRecord } from '@/lib/audit/chain/entry-hash';
import { canonicalize } from '@/lib/audit/chain/jcs';
import { buildAuditRow } from '@/lib/audit/record';
import { csvLine, PREV_MARK, SEQ_MARK } from './copy-format';

export type SegmentJob = { job: number; orgId: string; slug: string; people: DemoPerson[]; count: number; seed: number; end: number; spanMs: number };
export type SegmentBatch = { job: number; canon: string[]; csv: string[]; first: number; last: number; done: boolean };

/** PostgreSQL's text form of an address (what reads return and so what the hash covers): RFC 5952 for IPv6. */
function canonicalIp(ip: string | null): string | null {
  if (!ip || !ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

parentPort!.on('message', (job: SegmentJob) => {
  let canon: string[] = [];
  let csv: string[] = [];
  let first = 0;
  let last = 0;
  const flush = (done: boolean) => {
    parentPort!.postMessage({ job: job.job, canon, csv, first, last, done } satisfies SegmentBatch);
    canon = [];
    csv = [];
  };
  for (const entry of demoEntries({ orgId: job.orgId, slug: job.slug, count: job.count, people: job.people, seed: job.seed, now: job.end, days: job.spanMs / 86_400_000 })) {
    const row = buildAuditRow(entry);
    row.ip = canonicalIp(row.ip ?? null);
    const fields = toChainedFields(row, 0, PREV_MARK);
    const record = chainRecord(fields);
    record.seq = SEQ_MARK;
    canon.push(canonicalize(record));
    csv.push(csvLine({ ...fields, receivedAt: row.receivedAt, hash: '' }));
    first ||= row.occurredAt.getTime();
    last = row.occurredAt.getTime();
    if (canon.length === 1000) flush(false);
  }
  flush(true);
});
