import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { tryLockChainVerification } from '@/db/queries/chain-verifications';
import { handleCheckpointsGet, handleIntegrityGet } from '@/lib/api/integrity';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { verifyChainOperation } from '@/lib/operations/integrity';
import { executeAudited } from '@/lib/recording/operation';
import { createKey, tamper } from './chain-helpers';
import { actingAs, rowsOf } from './context';
import { describeEachDatabase, describeOnServer } from './databases';
import { createOrg, insertEvents } from './fixtures';

const get = (path: string, apiKey: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
const unlimited = () => ({ name: `integrity-test-${Math.random()}`, max: 1_000, windowMs: 60_000 });

type ApiVerification = {
  ok: boolean;
  count: number;
  from_seq: number;
  incremental: boolean;
  stale: boolean;
  full_because?: string;
  verifiedThrough: { seq: number };
  at?: number;
  reason?: string;
};

async function verifyByApi(db: Db, apiKey: string): Promise<ApiVerification> {
  const res = await handleIntegrityGet(db, get('/api/v1/integrity', apiKey), { rateRule: unlimited() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ApiVerification }).data;
}

async function integrityReads(db: Db, orgId: string) {
  return rowsOf<{ result: string; message: string; error_message: string | null; actor_type: string }>(
    await db.execute(
      sql`select result::text, message, error_message, actor_type::text from audit_events where org_id = ${orgId} and action = 'read' and object_type = 'integrity' order by seq`,
    ),
  );
}

describeEachDatabase('integrity checks: incremental, recorded, rate-limited', (ctx) => {
  it('checks everything once, then only what was appended since, linked to the last verified entry', async () => {
    const org = await createOrg(ctx.db, 'ic-incremental');
    await insertEvents(ctx.db, org.id, 6);
    const apiKey = await createKey(ctx.db, org.id);
    const first = await verifyByApi(ctx.db, apiKey);
    expect(first).toMatchObject({ ok: true, incremental: false, from_seq: 0, count: 6, stale: false, verifiedThrough: { seq: 6 } });
    // The read itself is entry #7; three more events follow.
    await insertEvents(ctx.db, org.id, 3);
    const second = await verifyByApi(ctx.db, apiKey);
    expect(second).toMatchObject({ ok: true, incremental: true, from_seq: 6, count: 4, verifiedThrough: { seq: 10 } });
  });

  it('finds a break in what was appended since the last verification', async () => {
    const org = await createOrg(ctx.db, 'ic-new-break');
    await insertEvents(ctx.db, org.id, 4);
    const apiKey = await createKey(ctx.db, org.id);
    await verifyByApi(ctx.db, apiKey);
    await insertEvents(ctx.db, org.id, 4);
    await tamper(ctx.db, sql`update audit_events set message = 'rewritten' where org_id = ${org.id} and seq = 7`);
    expect(await verifyByApi(ctx.db, apiKey)).toMatchObject({ ok: false, at: 7, reason: 'hash_mismatch', incremental: true, from_seq: 4 });
    // A broken chain stays reported as broken: the stored position is the last intact entry.
    expect(await verifyByApi(ctx.db, apiKey)).toMatchObject({ ok: false, at: 7, reason: 'hash_mismatch', incremental: true, from_seq: 6 });
  });

  it('falls back to everything, and says so, when the entry at the stored position was changed', async () => {
    const org = await createOrg(ctx.db, 'ic-stored-changed');
    await insertEvents(ctx.db, org.id, 5);
    const apiKey = await createKey(ctx.db, org.id);
    await verifyByApi(ctx.db, apiKey);
    await tamper(ctx.db, sql`update audit_events set hash = repeat('a', 64) where org_id = ${org.id} and seq = 5`);
    const result = await verifyByApi(ctx.db, apiKey);
    expect(result).toMatchObject({ ok: false, at: 5, incremental: false, from_seq: 0 });
    expect(result.full_because).toMatch(/#5.*changed/);
  });

  it('an old edit is found by "Verify everything" (owners and admins), not by the incremental check', async () => {
    const owner = await actingAs(ctx.db, `owner-${Math.random()}@ic.test`, 'owner');
    await insertEvents(ctx.db, owner.org.orgId, 5);
    const now = await executeAudited(ctx.db, verifyChainOperation, owner, {});
    expect(now).toMatchObject({ ok: true, data: { ok: true, incremental: false } });
    await tamper(ctx.db, sql`update audit_events set actor_label = 'someone else' where org_id = ${owner.org.orgId} and seq = 2`);
    expect(await executeAudited(ctx.db, verifyChainOperation, owner, { mode: 'incremental' })).toMatchObject({
      ok: true,
      data: { ok: true, incremental: true },
    });
    const everything = await executeAudited(ctx.db, verifyChainOperation, owner, { mode: 'full' });
    expect(everything).toMatchObject({ ok: true, data: { ok: false, at: 2, reason: 'hash_mismatch', incremental: false } });
    expect(everything.ok && everything.data.fromSeq).toBe(0);
    const auditor = await actingAs(ctx.db, `auditor-${Math.random()}@ic.test`, 'auditor', owner.org.orgId);
    expect(await executeAudited(ctx.db, verifyChainOperation, auditor, { mode: 'full' })).toMatchObject({ ok: false });
  });

  it('records every API read of integrity data, verification and checkpoints alike, as the key', async () => {
    const org = await createOrg(ctx.db, 'ic-recorded');
    await insertEvents(ctx.db, org.id, 2);
    await createCheckpoint(ctx.db, org.id);
    const apiKey = await createKey(ctx.db, org.id);
    await verifyByApi(ctx.db, apiKey);
    const res = await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints', apiKey), { rateRule: unlimited() });
    expect(res.status).toBe(200);
    const reads = await integrityReads(ctx.db, org.id);
    expect(reads).toHaveLength(2);
    expect(reads.every((r) => r.result === 'success' && r.actor_type === 'api_key')).toBe(true);
    expect(reads[0]!.message).toMatch(/Verified the audit log through the API: intact/);
    expect(reads[1]!.message).toBe('Listed 1 signed checkpoint through the API');
  });

  it('limits integrity reads per key: 429 with Retry-After, the first refusal in the window recorded once', async () => {
    const org = await createOrg(ctx.db, 'ic-limited');
    await insertEvents(ctx.db, org.id, 2);
    const apiKey = await createKey(ctx.db, org.id);
    const rule = { name: `integrity-limit-${Math.random()}`, max: 2, windowMs: 60_000 };
    expect((await handleIntegrityGet(ctx.db, get('/api/v1/integrity', apiKey), { rateRule: rule })).status).toBe(200);
    expect((await handleCheckpointsGet(ctx.db, get('/api/v1/integrity/checkpoints', apiKey), { rateRule: rule })).status).toBe(200);
    for (const path of ['/api/v1/integrity', '/api/v1/integrity/checkpoints', '/api/v1/integrity']) {
      const handler = path.endsWith('checkpoints') ? handleCheckpointsGet : handleIntegrityGet;
      const refused = await handler(ctx.db, get(path, apiKey), { rateRule: rule });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: string }).error).toBe('rate_limited');
    }
    const failures = (await integrityReads(ctx.db, org.id)).filter((r) => r.result === 'failure');
    expect(failures).toEqual([expect.objectContaining({ error_message: 'rate_limited' })]);
  });
});

// Two verifications at the same time need two sessions: PGlite has one, and runs transactions one after another.
describeOnServer('integrity checks: one run per organization at a time', (ctx) => {
  it('serves the last stored result marked stale while another verification holds the lock', async () => {
    const org = await createOrg(ctx.db, 'ic-stale');
    await insertEvents(ctx.db, org.id, 3);
    const apiKey = await createKey(ctx.db, org.id);
    await verifyByApi(ctx.db, apiKey);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = ctx.db.transaction(async (tx) => {
      expect(await tryLockChainVerification(tx, org.id)).toBe(true);
      locked();
      await held;
    });
    await isLocked;
    try {
      await insertEvents(ctx.db, org.id, 2);
      expect(await verifyByApi(ctx.db, apiKey)).toMatchObject({ ok: true, stale: true, verifiedThrough: { seq: 3 } });
    } finally {
      release();
      await holder;
    }
    expect(await verifyByApi(ctx.db, apiKey)).toMatchObject({ ok: true, stale: false, incremental: true, from_seq: 3 });
  });
});
