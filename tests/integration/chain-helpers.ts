import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { generateApiKey } from '@/lib/auth/api-keys';
import { rowsOf } from './context';

/** What a superuser could do: change audit_events with its triggers (append-only included) switched off. */
export async function tamper(db: Db, statement: SQL): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(statement);
  });
}

export async function seqsOf(db: Db, orgId: string): Promise<number[]> {
  const rows = rowsOf<{ seq: string | number }>(await db.execute(sql`select seq from audit_events where org_id = ${orgId} order by seq`));
  return rows.map((r) => Number(r.seq));
}

export async function eventAt(db: Db, orgId: string, seq: number): Promise<{ id: string; hash: string }> {
  const [row] = rowsOf<{ id: string; hash: string }>(await db.execute(sql`select id::text, hash from audit_events where org_id = ${orgId} and seq = ${seq}`));
  return row!;
}

export async function createKey(db: Db, orgId: string) {
  const generated = generateApiKey();
  await db.insert(apiKeys).values({ orgId, name: 'chain-test', prefix: generated.prefix, secretHash: generated.secretHash });
  return generated.key;
}
