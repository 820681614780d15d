import { sql } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { verifyChain, type VerifyOptions } from '@/lib/chain/verify';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { eventAt, tamper } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

// On the server the verifier reads with COPY and writes each entry's canonical form from the column text
// (lib/chain/fast/row-hasher.ts), on the calling thread or in hash workers (lib/chain/verify-worker.ts); on PGlite it reads through Drizzle.
// Every way must give the same answers as the reference (Drizzle read + canonicalize), for awkward content too.
const WAYS: VerifyOptions[] = [{}, { hashWorkers: 0, batchSize: 7 }, { hashWorkers: 2, batchSize: 7 }, { hashWorkers: 1, batchSize: 1000 }];

function awkward(orgId: string, i: number): AuditEntry {
  const texts = ['plain', 'Zoë 😀 文字', 'tab\there', 'line\nbreak\r\n', 'back\\slash', 'a "quote"', '\\N', 'ctl\u0001\u001f\u007f', 'sep\u2028\u2029', ''];
  const t = texts[i % texts.length]!;
  return {
    orgId,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 12, 0, 0, i * 7)),
    actor: { type: i % 3 === 0 ? 'api_key' : 'user', id: i % 4 === 0 ? null : `u${i}`, label: `${t} <u${i}@example.com>` },
    source: i % 2 ? 'web' : 'api',
    ip: [null, '10.0.0.1', '2001:DB8:0:0:0:0:0:1', '::ffff:192.0.2.1', '192.168.0.0/24'][i % 5],
    userAgent: i % 2 ? `agent ${t}` : null,
    requestId: `req-${i}`,
    action: 'Update',
    objectType: 'flow',
    objectId: i % 3 ? `flow_${i}` : null,
    objectLabel: t,
    message: `event ${i}: ${t}`,
    errorMessage: i % 5 === 0 ? t : null,
    before:
      i % 7 === 0
        ? 'a jsonb string'
        : {
            name: `n${i}`,
            steps: [
              { kind: 'fetch', target: t },
              { z: 1, a: [1.5, -0, 1e21, 5e-324, 12345678901234567890] },
            ],
            enabled: true,
            '10': 'ten',
            '9': 'nine',
            é: t,
            ключ: null,
          },
    after: i % 11 === 0 ? null : { name: `n${i}`, nested: { b: { d: [], c: {} }, a: [true, false, null, 0.1, 100, -2.5e-7] }, text: t, [`k${t}`]: i },
    // changed_fields: unquoted paths (most entries), or ones PostgreSQL quotes in the array text.
    changes:
      i % 4
        ? [
            { path: 'name', before: `n${i}`, after: `m${i}` },
            { path: 'steps.1.z', before: 1, after: 2 },
          ]
        : [
            { path: 'name', before: `n${i}`, after: `m${i}` },
            { path: `spaced path ${i % 3}`, before: 1, after: 2 },
            { path: i % 8 ? 'NULL' : 'q"uote\\back', before: null, after: t },
            { path: 'comma,brace{}', before: [], after: {} },
          ],
    metadata: { request: { path: `/api/flows/${i}`, method: 'PATCH' }, note: t, n: i * 1.25, list: [t, i, { y: 1, x: 2 }] },
  };
}

describeEachDatabase('hash chain: every verification path reads entries as the reference does', (ctx) => {
  const chain = async (slug: string, n: number) => {
    const org = await createOrg(ctx.db, slug);
    await recordAuditEvents(
      ctx.db,
      Array.from({ length: n }, (_, i) => awkward(org.id, i)),
    );
    return org.id;
  };

  it('verifies awkward content (escapes, unicode, controls, jsonb strings and numbers, quoted array elements) every way', async () => {
    const orgId = await chain('verify-fast-ok', 60);
    const warn = vi.spyOn(console, 'warn');
    try {
      for (const way of WAYS)
        expect(await verifyChain(ctx.db, orgId, way), JSON.stringify(way)).toMatchObject({ ok: true, count: 60, verifiedThrough: { seq: 60 } });
      // The hash workers start from the TypeScript sources too: none fell back to the calling thread.
      expect(warn.mock.calls.filter(([m]) => String(m).includes('hash worker'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('finds the same first break every way, whichever batch or range it falls in', async () => {
    const edited = await chain('verify-fast-edit', 40);
    const victim = await eventAt(ctx.db, edited, 23);
    await tamper(ctx.db, sql`update audit_events set message = 'edited' where org_id = ${edited} and seq = 23`);
    const relinked = await chain('verify-fast-link', 40);
    await tamper(ctx.db, sql`update audit_events set prev_hash = repeat('b', 64) where org_id = ${relinked} and seq = 15`);
    const gap = await chain('verify-fast-gap', 40);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${gap} and seq = 30`);
    const later = await chain('verify-fast-later', 40);
    // Two breaks: only the first one counts.
    await tamper(ctx.db, sql`update audit_events set object_label = 'x' where org_id = ${later} and seq in (8, 33)`);
    for (const way of WAYS) {
      const w = JSON.stringify(way);
      expect(await verifyChain(ctx.db, edited, way), w).toMatchObject({
        ok: false,
        at: 23,
        eventId: victim.id,
        reason: 'hash_mismatch',
        verifiedThrough: { seq: 22 },
        count: 22,
      });
      expect(await verifyChain(ctx.db, relinked, way), w).toMatchObject({
        ok: false,
        at: 15,
        reason: 'prev_hash_mismatch',
        verifiedThrough: { seq: 14 },
        count: 14,
      });
      expect(await verifyChain(ctx.db, gap, way), w).toMatchObject({ ok: false, at: 30, reason: 'missing_seq', verifiedThrough: { seq: 29 }, count: 29 });
      expect(await verifyChain(ctx.db, later, way), w).toMatchObject({ ok: false, at: 8, reason: 'hash_mismatch', verifiedThrough: { seq: 7 }, count: 7 });
    }
  });

  it('verifies inside the caller’s transaction and leaves its connection usable', async () => {
    const orgId = await chain('verify-fast-tx', 30);
    for (const way of WAYS) {
      await ctx.db.transaction(async (tx) => {
        expect(await verifyChain(tx, orgId, way)).toMatchObject({ ok: true, count: 30 });
        await tx.execute(sql`select 1`);
      });
    }
    await ctx.db.execute(sql`select 1`);
  });
});
