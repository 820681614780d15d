import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

/** Refreshes the planner statistics of every table (all organizations' rows): a maintenance job, never per request. */
export async function analyzeAllTables(db: DbOrTx): Promise<void> {
  await db.execute(sql`analyze`);
}
