/**
 * Row templates for the bench loader: the demo generator's realistic entries, built by buildAuditRow and
 * rendered once as their canonical chain form (lib/chain) and their COPY line, split around the five
 * values that differ per stored row (id, occurred_at, received_at, request_id) and per chain position (seq,
 * prev_hash). Instantiating a template is string concatenation plus one SHA-256, so millions of hash-chained
 * rows load at COPY speed while keeping the generator's mix of actors, actions, objects, changes and text.
 */
import type { DemoPerson } from '@/lib/seed/demo';
import { demoEntries } from '@/lib/seed/demo';
import { toChainedFields } from '@/lib/chain/append';
import { chainRecord } from '@/lib/chain/entry-hash';
import { canonicalize } from '@/lib/chain/jcs';
import { buildAuditRow } from '@/lib/recording/record';
import { csvLine } from './copy-format';

const ID = 'TPL_ID_7f3a';
const AT = 'TPL_AT_7f3a';
const RECEIVED = 'TPL_RECEIVED_7f3a';
const REQUEST = 'TPL_REQUEST_7f3a';
const PREV = 'TPL_PREV_7f3a';
const SEQ = 'TPL_SEQ_7f3a';

/** canon: 6 parts around id, occurred_at, prev_hash, request_id, seq (the canonical form's sorted key order); csv: 5 parts around id, occurred_at, received_at, request_id. */
export type RowTemplate = { canon: string[]; csv: string[] };

/** PostgreSQL's text form of an address (what reads return, so what the hash covers): RFC 5952 for IPv6. */
function canonicalIp(ip: string | null): string | null {
  if (!ip || !ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export function buildTemplates(opts: {
  orgId: string;
  slug: string;
  people: DemoPerson[];
  count: number;
  seed: number;
  now: number;
  days: number;
}): RowTemplate[] {
  const out: RowTemplate[] = [];
  for (const entry of demoEntries({
    orgId: opts.orgId,
    slug: opts.slug,
    count: opts.count,
    people: opts.people,
    seed: opts.seed,
    now: opts.now,
    days: opts.days,
  })) {
    const row = buildAuditRow({ ...entry, requestId: REQUEST });
    row.ip = canonicalIp(row.ip ?? null);
    const record = chainRecord(toChainedFields(row, 0, PREV));
    Object.assign(record, { id: ID, occurred_at: AT, seq: SEQ });
    const canon = canonicalize(record).split(new RegExp(`${ID}|${AT}|${PREV}|${REQUEST}|"${SEQ}"`));
    const csv = csvLine({ ...toChainedFields(row, 0, ''), id: ID, occurredAt: AT as unknown as Date, receivedAt: RECEIVED as unknown as Date }).split(
      new RegExp(`${ID}|${AT}|${RECEIVED}|${REQUEST}`),
    );
    if (canon.length !== 6 || csv.length !== 5) throw new Error(`template markers collide with the data (${canon.length}, ${csv.length})`);
    out.push({ canon, csv });
  }
  return out;
}
