import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileSchema, REJECT } from '@/lib/ingest/compile-schema';
import { createEventSchema, WIRE_IMPLIED_REFINEMENTS, type IngestEvent } from '@/lib/ingest/event-schema';
import { isWireClean, jsonValueProblem, wireProblems } from '@/lib/ingest/json-safety';
import { validateBatch, validateBatchWithSchema } from '@/lib/ingest/validate-batch';
import { prepareIngestRow } from '@/lib/ingest/prepare-ingest-row';
import { ingestAttribution, toAuditEntry } from '@/lib/ingest/to-audit-entry';
import { buildAuditRow } from '@/lib/recording/record';
import { linkPrepared, preparedRowHash, prepareRow, toChainedFields, type PreparedRow } from '@/lib/chain/append';
import { computeEntryHash, GENESIS_HASH } from '@/lib/chain/entry-hash';
import { copyRowLine } from '@/db/queries/audit-event-copy';
import { brokenEvent, validEvent } from '../support/ingest-corpus';
import { rng } from '../support/rng';

const now = new Date('2026-11-28T12:00:00.000Z');
const key = { orgId: '0193a000-0000-7000-8000-000000000001', keyId: '0193a000-0000-7000-8000-000000000002', name: 'ci', prefix: 'ak_ci' };
const ingest = ingestAttribution(key, { ip: '203.0.113.9', userAgent: 'test', requestId: 'req_1' });
// What PostgreSQL's inet prints for the corpus's addresses (the append asks the database; the test knows them).
const canonicalIps = new Map([
  ['2001:DB8::0:1', '2001:db8::1'],
  ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
  ['2001:db8::1', '2001:db8::1'],
]);
const idOf = (i: number) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;

/** The committed path (536e276): entry, then row, then prepared row, addresses canonicalized in between. */
function committedRow(event: IngestEvent, i: number): PreparedRow {
  const occurredAt = event.occurred_at ?? now;
  const row = buildAuditRow({ ...toAuditEntry(event, key, { id: idOf(i), occurredAt }), systemMetadata: { ingest }, receivedAt: now });
  return prepareRow(row.ip && canonicalIps.has(row.ip) ? { ...row, ip: canonicalIps.get(row.ip)! } : row);
}

const hotRow = (event: IngestEvent, i: number) => prepareIngestRow(event, idOf(i), event.occurred_at ?? now, { key, ingest, receivedAt: now, canonicalIps });

function corpus(seed: number, n: number) {
  const r = rng(seed);
  const valid = Array.from({ length: n }, () => validEvent(r, now));
  return { valid, broken: valid.map((v) => brokenEvent(r, v)) };
}

/** The COPY text (every stored column, seq, prev_hash and hash) of `rows` chained from genesis. */
function copyText(rows: PreparedRow[]): string {
  const { links } = linkPrepared(rows, { seq: 0, hash: GENESIS_HASH });
  return rows.map((row, i) => copyRowLine(row.copyPrefix, links[i]!.seq, links[i]!.prevHash, links[i]!.hash)).join('');
}

describe('the compiled event checker', () => {
  it('is derived from the whole zod schema: no node kind left to zod', () => {
    expect(
      compileSchema(
        createEventSchema(() => now),
        WIRE_IMPLIED_REFINEMENTS,
      ).unsupported,
    ).toEqual([]);
  });

  it('agrees with zod on 3,000 generated events, valid and broken: same verdict, same output, same errors', () => {
    const { valid, broken } = corpus(17, 1500);
    const { check } = compileSchema(
      createEventSchema(() => now),
      WIRE_IMPLIED_REFINEMENTS,
    );
    const schema = createEventSchema(() => now);
    let fastAccepted = 0;
    const all = [...valid, ...broken];
    // Whole-batch results in batches of 50 (valid and broken mixed): the route's path against zod alone, with the
    // verdict, every stored event and every error (index, path, message).
    for (let i = 0; i < all.length; i += 50) {
      const batch = [...valid.slice(i / 2, i / 2 + 25), ...broken.slice(i / 2, i / 2 + 25)];
      expect(validateBatch(batch, now)).toEqual(validateBatchWithSchema(batch, now));
      expect(validateBatch(batch.slice(0, 25), now)).toEqual(validateBatchWithSchema(batch.slice(0, 25), now));
    }
    for (const event of all) {
      const out = isWireClean(event) ? check(event) : REJECT;
      if (out === REJECT) continue;
      fastAccepted++;
      // Accepted by the fast path: zod accepts too, with the same output, and no wire problem was missed.
      expect(wireProblems(event)).toEqual([]);
      expect(schema.safeParse(event)).toEqual({ success: true, data: out });
    }
    // Every valid event takes the fast path (none needs zod), no broken one does.
    expect(fastAccepted).toBe(valid.length);
  });

  it('fails a whole batch for one bad event, naming it, exactly as zod alone does', () => {
    const { valid, broken } = corpus(5, 40);
    for (let i = 0; i < broken.length; i++) {
      const batch = [...valid.slice(0, i), broken[i], ...valid.slice(i + 1)];
      const result = validateBatch(batch, now);
      expect(result.ok).toBe(false);
      expect(result).toEqual(validateBatchWithSchema(batch, now));
      if (!result.ok && result.reason === 'validation_failed') expect(result.errors.every((e) => e.index === i)).toBe(true);
    }
  });

  it('finds in one pass everything the wire check and the JSON check find', () => {
    const { valid, broken } = corpus(23, 800);
    for (const event of [...valid, ...broken]) {
      const problems = wireProblems(event).length > 0 || Object.values(event).some((v) => jsonValueProblem(v) !== null);
      if (problems) expect(isWireClean(event)).toBe(false);
    }
  });
});

describe('an ingested event straight to its prepared row', () => {
  it('stores the same columns, COPY text and hashes as the entry-then-row path, for 2,000 generated events', () => {
    const { valid } = corpus(29, 2000);
    const events = [valid.slice(0, 1000), valid.slice(1000)].flatMap((batch) => {
      const checked = validateBatchWithSchema(batch, now);
      if (!checked.ok) throw new Error(JSON.stringify(checked));
      return checked.events;
    });
    events.forEach((event, i) => {
      const [hot, committed] = [hotRow(event, i), committedRow(event, i)];
      expect(hot.fields).toEqual(committed.fields);
      expect(hot.copyPrefix).toBe(committed.copyPrefix);
      const prev = createHash('sha256').update(String(i)).digest('hex');
      expect(preparedRowHash(hot, i + 1, prev)).toBe(preparedRowHash(committed, i + 1, prev));
      // The verifiers' hash: the whole record canonicalized at once.
      expect(preparedRowHash(hot, i + 1, prev)).toBe(computeEntryHash(toChainedFields({ ...committed.fields }, i + 1, prev)));
    });
  });

  it('gives the COPY text the committed code gave for the same 600 events (digest taken at 536e276)', () => {
    const { valid } = corpus(31, 600);
    const checked = validateBatch(valid, now);
    if (!checked.ok) throw new Error(JSON.stringify(checked));
    const digest = (rows: PreparedRow[]) => createHash('sha256').update(copyText(rows)).digest('hex');
    const hot = digest(checked.events.map(hotRow));
    expect(hot).toBe(digest(checked.events.map(committedRow)));
    expect(hot).toBe(GOLDEN_COPY_DIGEST);
  });
});

// sha256 of copyText over corpus(31, 600), computed with the code at 536e276 (before the hot path) by
// validateBatch + toAuditEntry + buildAuditRow + prepareRow, as committedRow does.
const GOLDEN_COPY_DIGEST = 'f13f8bea85773adf817418306096e765d40ecfd730a340d1aa0b63b9829a1578';
