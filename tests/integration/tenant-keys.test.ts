import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';

// Not tenant data: accounts (and their sessions) exist across organizations, sign-in throttling and rate limits are
// keyed by email/address/user, and organizations is the tenant registry itself (its id is the org id; slugs are unique).
const GLOBAL_TABLES = ['login_throttle', 'organizations', 'rate_limits', 'user_sessions', 'users'];

describeEachDatabase('tenant keys', (ctx) => {
  it('puts org_id in every primary key and unique constraint/index of every tenant table', async () => {
    const rows = rowsOf<{ table_name: string; index_name: string; columns: string[] | string }>(
      await ctx.db.execute(sql`
        select t.relname as table_name, i.relname as index_name,
               array(select a.attname::text from unnest(x.indkey) k join pg_attribute a on a.attrelid = t.oid and a.attnum = k) as columns
        from pg_index x
        join pg_class t on t.oid = x.indrelid
        join pg_class i on i.oid = x.indexrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = current_schema() and t.relkind in ('r', 'p') and (x.indisprimary or x.indisunique)
        order by 1, 2`),
    );
    const columnsOf = (c: string[] | string) => (Array.isArray(c) ? c : c.replace(/^\{|\}$/g, '').split(','));
    const tables = new Set(rows.map((r) => r.table_name));
    expect([...tables]).toEqual(expect.arrayContaining(['audit_events', 'audit_chain_heads', 'audit_checkpoints', 'audit_chain_anchors', ...GLOBAL_TABLES]));
    const offenders = rows
      .filter((r) => !GLOBAL_TABLES.includes(r.table_name) && !columnsOf(r.columns).includes('org_id'))
      .map((r) => `${r.table_name}.${r.index_name}`);
    expect(offenders).toEqual([]);
  });
});
