import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import type { Db, DbHandle } from '@/db/client';
import { auditChainAnchors, organizations } from '@/db/schema';
import { verifyAnchor } from '@/lib/chain/anchor-signing';
import { getSigningKey } from '@/lib/chain/signing-key';
import { verifyChain } from '@/lib/chain/verify';
import { listMissingIndexes } from '@/db/queries/audit-event-partitions';
import { runPartitionJob } from '@/lib/lifecycle/partition-close';
import { runRetention } from '@/lib/lifecycle/retention';
import { eventAt, seqsOf } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';
import { rowsOf } from './context';

const DAY = 86_400_000;

/** The README's grants for the app role, exactly as documented, for `role`. */
function readmeGrants(role: string): string[] {
  const readme = fs.readFileSync(path.join(process.cwd(), 'README.md'), 'utf8');
  const block = /<!-- two-role-grants -->\n```sql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no two-role-grants block');
  return block
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.replaceAll('audit_app', role));
}

describeEachDatabase('tamper evidence: the app role cannot rewrite the log', (ctx) => {
  const role = `audit_app_${randomBytes(4).toString('hex')}`;
  let app: DbHandle | undefined;
  /** Runs `fn` as the non-superuser app role: its own connection on a server, SET ROLE on the embedded database. */
  let asApp: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    await ctx.db.execute(sql.raw(`create role ${role} ${ctx.url ? `login` : 'nologin'}`));
    for (const grant of readmeGrants(role)) await ctx.db.execute(sql.raw(grant));
    if (ctx.url) {
      const url = new URL(ctx.url);
      url.username = role;
      // The app's start: every migration is applied, so nothing needs rights the role lacks.
      app = await openMigratedDatabase({ url: url.toString() });
      asApp = (fn) => fn(app!.db);
    } else {
      asApp = async (fn) => {
        await ctx.db.execute(sql.raw(`set role ${role}`));
        try {
          return await fn(ctx.db);
        } finally {
          await ctx.db.execute(sql`reset role`);
        }
      };
    }
  });

  afterAll(async () => {
    await app?.close();
    await ctx.db.execute(sql.raw(`drop owned by ${role}`));
    await ctx.db.execute(sql.raw(`drop role ${role}`));
  });

  /** Runs the statements in one transaction as the app role; resolves to the error message, or null when it went through. */
  const attempt = (...statements: SQL[]) =>
    asApp(async (db) => {
      try {
        await db.transaction(async (tx) => {
          for (const s of statements) await tx.execute(s);
        });
        return null;
      } catch (error) {
        const e = error as { message?: string; cause?: { message?: string } };
        return `${e.message ?? ''} ${e.cause?.message ?? ''}`;
      }
    });

  it('the role is no superuser and cannot become the owner or switch triggers off', async () => {
    expect(await attempt(sql`select 1`)).toBeNull();
    const [me] = await asApp(async (db) =>
      rowsOf<{ rolsuper: boolean; name: string }>(await db.execute(sql`select rolsuper, current_user as name from pg_roles where rolname = current_user`)),
    );
    expect(me).toEqual({ rolsuper: false, name: role });
    // On the embedded database the session user is always its superuser, so any role may SET ROLE (README says so).
    const becomeOwner = await attempt(sql.raw('set local role audit_owner'));
    if (ctx.url) expect(becomeOwner).toMatch(/permission denied/);
    else expect(becomeOwner).toBeNull();
    expect(await attempt(sql.raw('set local session_replication_role = replica'))).toMatch(/permission denied/);
    expect(await attempt(sql.raw('alter table audit_events disable trigger user'))).toMatch(/must be owner|permission denied/);
    expect(await attempt(sql.raw('alter table audit_chain_heads disable trigger user'))).toMatch(/must be owner|permission denied/);
  });

  it("retention's old escape hatch is gone: SET LOCAL audit.retention = 'on' and a DELETE fails; so do UPDATE and TRUNCATE", async () => {
    const org = await createOrg(ctx.db, 'roles-hatch');
    await insertEvents(ctx.db, org.id, 5);
    expect(await attempt(sql`select set_config('audit.retention', 'on', true)`, sql`delete from audit_events where org_id = ${org.id} and seq <= 3`)).toMatch(
      /append-only: DELETE/,
    );
    expect(
      await attempt(sql`select set_config('audit.chain_backfill', 'on', true)`, sql`update audit_events set message = 'x' where org_id = ${org.id}`),
    ).toMatch(/append-only: UPDATE/);
    expect(await attempt(sql.raw('truncate audit_events'))).toMatch(/append-only: TRUNCATE|permission denied/);
    expect(await seqsOf(ctx.db, org.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('heads only move forward; anchors and checkpoints cannot be written, changed or removed; the Merkle tree only grows', async () => {
    const org = await createOrg(ctx.db, 'roles-heads');
    await insertEvents(ctx.db, org.id, 4);
    const second = await eventAt(ctx.db, org.id, 2);
    expect(await attempt(sql`update audit_chain_heads set seq = 2, hash = ${second.hash} where org_id = ${org.id}`)).toMatch(/only moves forward/);
    expect(await attempt(sql`delete from audit_chain_heads where org_id = ${org.id}`)).toMatch(/only moves forward/);
    expect(await attempt(sql`insert into audit_chain_anchors (org_id, seq, hash) values (${org.id}, 2, ${second.hash})`)).toMatch(
      /INSERT on audit_chain_anchors/,
    );
    const { createCheckpoint } = await import('@/lib/chain/checkpoints');
    await createCheckpoint(ctx.db, org.id);
    expect(await attempt(sql`update audit_checkpoints set seq = 1 where org_id = ${org.id}`)).toMatch(/UPDATE on audit_checkpoints/);
    expect(await attempt(sql`delete from audit_checkpoints where org_id = ${org.id}`)).toMatch(/DELETE on audit_checkpoints/);
    expect(await attempt(sql`delete from audit_chain_anchors where org_id = ${org.id}`)).toBeNull(); // nothing to delete: the trigger is per row
    // The Merkle tree the checkpoint built only grows.
    expect(await attempt(sql`update audit_merkle_tiles set hashes = substring(hashes from 33) where org_id = ${org.id}`)).toMatch(/only grows/);
    expect(await attempt(sql`delete from audit_merkle_tiles where org_id = ${org.id}`)).toMatch(/only grows/);
    expect(await attempt(sql`update audit_merkle_state set size = 1 where org_id = ${org.id}`)).toMatch(/only grows/);
  });

  it("retention's functions refuse what retention would not do", async () => {
    const org = await createOrg(ctx.db, 'roles-functions');
    await insertEvents(ctx.db, org.id, 4);
    const third = await eventAt(ctx.db, org.id, 3);
    // No anchor yet: nothing to delete.
    expect(await attempt(sql`select audit_retention_delete(${org.id}::uuid)`)).toBeNull();
    expect(await seqsOf(ctx.db, org.id)).toEqual([1, 2, 3, 4]);
    expect(await attempt(sql`select audit_set_retention_anchor(${org.id}::uuid, 3, ${'f'.repeat(64)}, now(), 'x', 'y', null)`)).toMatch(
      /no entry #3 with that hash/,
    );
    await ctx.db.update(organizations).set({ legalHold: true }).where(eq(organizations.id, org.id));
    expect(await attempt(sql`select audit_set_retention_anchor(${org.id}::uuid, 3, ${third.hash}, now(), 'x', 'y', null)`)).toMatch(/legal hold/);
    expect(await attempt(sql`select audit_drop_partition('audit_events_default')`)).toMatch(/not a monthly or daily partition/);
    expect(await seqsOf(ctx.db, org.id)).toEqual([1, 2, 3, 4]);
  });

  it('retention itself still works as the app role, and leaves an anchor signed with the checkpoint key', async () => {
    const org = await createOrg(ctx.db, 'roles-retention');
    await ctx.db.update(organizations).set({ retentionDays: 30 }).where(eq(organizations.id, org.id));
    const now = new Date();
    await insertEvents(ctx.db, org.id, 6, { times: (i) => new Date(now.getTime() - (i < 4 ? 60 : 1) * DAY + i) });
    const results = await asApp((db) => runRetention(db, { now, minDays: 30 }));
    expect(results.find((r) => r.orgId === org.id)).toMatchObject({ removed: 4, throughSeq: 4 });
    expect((await seqsOf(ctx.db, org.id))[0]).toBe(5);
    const [anchor] = await ctx.db.select().from(auditChainAnchors).where(eq(auditChainAnchors.orgId, org.id));
    expect(anchor).toMatchObject({ seq: 4 });
    expect(verifyAnchor(anchor!, getSigningKey().publicKeyPem)).toBe(true);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true });
  });

  it('the partition job works as the app role: it creates the hours ahead, closes an ended one and compacts an ended day', async () => {
    const run = await asApp((db) => runPartitionJob(db, new Date('2033-03-02T12:00:00Z')));
    expect(run.created).toContain('audit_events_p2033030212');
    expect(run.created).toContain('audit_events_p2033030312');
    const later = await asApp((db) => runPartitionJob(db, new Date('2033-03-03T12:00:00Z')));
    expect(later.closed).toContain('audit_events_p2033030212');
    expect(await listMissingIndexes(ctx.db, 'audit_events_p2033030310')).toEqual([]);
    expect((await listMissingIndexes(ctx.db, 'audit_events_p2033030312')).length).toBeGreaterThan(0);
    expect(await attempt(sql.raw('drop index audit_events_p2033030310_org_ip_idx'))).toMatch(/must be owner|permission denied/);
    // 2033-03-02 ended over an hour ago: its hours become one daily partition, owned by audit_owner like the rest.
    expect(later.compacted).toContain('audit_events_p20330302');
    expect(await listMissingIndexes(ctx.db, 'audit_events_p20330302')).toEqual([]);
    expect(await attempt(sql.raw('drop index audit_events_p20330302_org_ip_idx'))).toMatch(/must be owner|permission denied/);
    expect(await attempt(sql.raw('drop table audit_events_p20330302'))).toMatch(/must be owner|permission denied/);
  });
});
