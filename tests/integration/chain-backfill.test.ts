import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { backfillChains } from '@/lib/chain/backfill';
import { verifyChain } from '@/lib/chain/verify';
import { recordAuditEvent } from '@/lib/recording/record';
import { seqsOf } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

describeEachDatabase('hash chain: backfilling entries written before the chain existed', (ctx) => {
  it('chains legacy rows in (occurred_at, id) order, restores NOT NULL, and later entries extend the chain', async () => {
    const org = await createOrg(ctx.db, 'legacy');
    // The state drizzle/0005 leaves behind on a database that already had entries.
    await ctx.db.execute(sql`alter table audit_events alter column seq drop not null, alter column prev_hash drop not null, alter column hash drop not null`);
    for (const [i, at] of ['2026-01-03', '2026-01-01', '2026-01-02'].entries()) {
      await ctx.db.execute(sql`
        insert into audit_events (org_id, id, occurred_at, actor_type, actor_label, source, action, object_type, ip, before, metadata)
        values (${org.id}, gen_random_uuid(), ${`${at}T10:00:00.123Z`}::timestamptz, 'user', 'legacy@example.com', 'web', 'update', 'flow',
                '2001:DB8::${sql.raw(String(i + 1))}', '{"n": 1.50, "b": {"y": 2, "x": [1, 2]}}', '{}')`);
    }
    expect(await backfillChains(ctx.db)).toEqual({ orgs: 1, rows: 3 });
    const ordered = rowsOf<{ seq: string | number; at: string }>(
      await ctx.db.execute(
        sql`select seq, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as at from audit_events where org_id = ${org.id} order by seq`,
      ),
    );
    expect(ordered.map((r) => [Number(r.seq), r.at])).toEqual([
      [1, '2026-01-01'],
      [2, '2026-01-02'],
      [3, '2026-01-03'],
    ]);
    const nullable = rowsOf<{ is_nullable: string }>(
      await ctx.db.execute(
        sql`select is_nullable from information_schema.columns where table_name = 'audit_events' and column_name in ('seq', 'prev_hash', 'hash')`,
      ),
    );
    expect(nullable.map((r) => r.is_nullable)).toEqual(['NO', 'NO', 'NO']);
    await recordAuditEvent(ctx.db, { orgId: org.id, actor: { type: 'system', id: null, label: 'sys' }, source: 'system', action: 'x', objectType: 't' });
    expect(await seqsOf(ctx.db, org.id)).toEqual([1, 2, 3, 4]);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 4 });
    expect(await backfillChains(ctx.db)).toEqual({ orgs: 0, rows: 0 }); // idempotent
  });
});
