import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '@/db/rows';
import { organizations } from '@/db/schema';
import type { Tx } from '@/db/client';
import { describeOnServer } from './databases';

// Drizzle's queries on the server are prepared once per connection: one round trip per run instead of two
// (db/prepared-statements.ts), while every run is still planned for its own values.
describeOnServer('prepared statements on the PostgreSQL server', (ctx) => {
  const preparedOnThisConnection = async (tx: Tx) =>
    rowsOf<{ statement: string; generic_plans: number; custom_plans: number }>(
      await tx.execute(sql`select statement, generic_plans::int, custom_plans::int from pg_prepared_statements`),
    );

  it("prepares drizzle's parameterized queries inside transactions and plans each run for its values", async () => {
    const marker = `prepared-check-${Date.now()}`;
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 8; i++)
        await tx
          .select({ id: organizations.id })
          .from(organizations)
          .where(eq(organizations.slug, `${marker}-${i}`));
      const mine = (await preparedOnThisConnection(tx)).filter((s) => s.statement.includes('"slug" = $1'));
      expect(mine).toHaveLength(1);
      // Eight runs of one statement, none of them with a plan made blind to the value.
      expect(mine[0]!.custom_plans).toBeGreaterThanOrEqual(8);
      expect(mine[0]!.generic_plans).toBe(0);
      const [mode] = rowsOf<{ plan_cache_mode: string }>(await tx.execute(sql`show plan_cache_mode`));
      expect(mode!.plan_cache_mode).toBe('force_custom_plan');
    });
  });

  it('leaves a query without parameters unnamed, so one-off texts do not pile up', async () => {
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.execute(sql.raw(`select ${i} as n`));
      const after = await preparedOnThisConnection(tx);
      expect(after.filter((s) => /select \d as n/.test(s.statement))).toHaveLength(0);
    });
  });
});
