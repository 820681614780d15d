import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { savedViews, users } from '@/db/schema';

export type SavedViewListItem = { id: string; name: string; query: string; shared: boolean; ownerEmail: string; mine: boolean };

/**
 * The views a user can open: their own (private or shared) plus those others shared with the
 * organization, by name, with the owner's email. Others' private views never leave SQL. Tenancy: by `orgId`.
 */
export async function listSavedViews(db: DbOrTx, orgId: string, userId: string): Promise<SavedViewListItem[]> {
  const rows = await db
    .select({ id: savedViews.id, name: savedViews.name, query: savedViews.query, shared: savedViews.shared, ownerId: savedViews.ownerId, ownerEmail: users.email })
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerId))
    .where(and(eq(savedViews.orgId, orgId), or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true))))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.name), asc(savedViews.id));
  return rows.map(({ ownerId, ...row }) => ({ ...row, mine: ownerId === userId }));
}
