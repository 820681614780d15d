import { and, asc, eq, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { savedViews, users } from '@/db/schema';

export type SavedViewListItem = { id: string; name: string; query: string; shared: boolean; ownerEmail: string; mine: boolean };

/**
 * The views a user can open: their own (private or shared) plus those others shared with the
 * organization, by name, with the owner's email. Others' private views never leave SQL. Tenancy: by `orgId`.
 */
export async function listSavedViews(db: DbOrTx, orgId: string, userId: string): Promise<SavedViewListItem[]> {
  const rows = await db
    .select({
      id: savedViews.id,
      name: savedViews.name,
      query: savedViews.query,
      shared: savedViews.shared,
      ownerId: savedViews.ownerId,
      ownerEmail: users.email,
    })
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerId))
    .where(and(eq(savedViews.orgId, orgId), or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true))))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.name), asc(savedViews.id));
  return rows.map(({ ownerId, ...row }) => ({ ...row, mine: ownerId === userId }));
}

/**
 * One view the user may see (their own, or shared with the organization), row-locked for a change; null for a
 * missing view and for someone else's private one alike. Tenancy: scoped by `orgId`. Transaction: caller's.
 */
export async function getVisibleSavedViewForUpdate(tx: Tx, orgId: string, userId: string, viewId: string) {
  const [row] = await tx
    .select({
      id: savedViews.id,
      name: savedViews.name,
      query: savedViews.query,
      shared: savedViews.shared,
      ownerId: savedViews.ownerId,
      ownerEmail: users.email,
    })
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerId))
    .where(and(eq(savedViews.orgId, orgId), eq(savedViews.id, viewId), or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true))))
    .for('update', { of: savedViews });
  return row ?? null;
}

/**
 * Whether the owner already has a view with this name (case-insensitively, `exceptId` aside). Serializes per
 * owner first, as no unique index backs the rule. Tenancy: scoped by `orgId`. Transaction: the lock is the caller's.
 */
export async function isSavedViewNameTaken(tx: Tx, orgId: string, ownerId: string, name: string, exceptId: string | null): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`saved_views:${orgId}:${ownerId}`}, 0))`);
  const [taken] = await tx
    .select({ id: savedViews.id })
    .from(savedViews)
    .where(
      and(
        eq(savedViews.orgId, orgId),
        eq(savedViews.ownerId, ownerId),
        sql`lower(${savedViews.name}) = lower(${name})`,
        exceptId ? ne(savedViews.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return taken !== undefined;
}

/** Stores a new view owned by `ownerId`. Tenancy: created in `orgId`. */
export async function insertSavedView(db: DbOrTx, orgId: string, values: { name: string; query: string; shared: boolean; ownerId: string }) {
  const [row] = await db
    .insert(savedViews)
    .values({ orgId, ...values })
    .returning();
  return row!;
}

/** Renames or (un)shares a view, stamping updated_at. Tenancy: scoped by `orgId`. */
export async function updateSavedView(db: DbOrTx, orgId: string, viewId: string, values: { name?: string; shared?: boolean }) {
  const [row] = await db
    .update(savedViews)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(savedViews.orgId, orgId), eq(savedViews.id, viewId)))
    .returning();
  return row!;
}

/** Deletes a view. Tenancy: scoped by `orgId`. */
export async function deleteSavedView(db: DbOrTx, orgId: string, viewId: string): Promise<void> {
  await db.delete(savedViews).where(and(eq(savedViews.orgId, orgId), eq(savedViews.id, viewId)));
}
