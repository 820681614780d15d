import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { apiKeys, auditEvents, users } from '@/db/schema';

/** API keys of one organization, newest first, with who created them. Never returns the hash. Tenancy: by `orgId`. */
export async function listApiKeys(db: DbOrTx, orgId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      createdBy: users.email,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
}

/**
 * The unrevoked keys with this public prefix, hashes included, across organizations: the prefix is what a
 * presented key names before its organization is known. Only key authentication may call this.
 */
export async function listActiveApiKeysByPrefix(db: DbOrTx, prefix: string) {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)));
}

/** Stamps a key's last use. Tenancy: scoped by `orgId`. */
export async function touchApiKey(db: DbOrTx, orgId: string, keyId: string, at: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId)));
}

/** Stores a new key (its hash, never the secret) and returns the row. Tenancy: created in `orgId`. */
export async function insertApiKey(db: DbOrTx, orgId: string, values: { name: string; prefix: string; secretHash: string; createdBy: string }) {
  const [row] = await db
    .insert(apiKeys)
    .values({ orgId, ...values })
    .returning();
  return row!;
}

/** Revokes a key unless it already is; null when there was none to revoke. Tenancy: scoped by `orgId`. */
export async function revokeApiKey(db: DbOrTx, orgId: string, keyId: string, at: Date) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning();
  return row ?? null;
}

/**
 * The demo seed's keys, with the times its story gives them (id, creation, revocation), each key's last use taken
 * from the log (its newest entry as actor). Tenancy: created in `orgId`, last use read from `orgId`'s entries only.
 */
export async function insertDemoApiKeys(
  db: DbOrTx,
  orgId: string,
  keys: { id: string; name: string; prefix: string; secretHash: string; createdBy: string | null; createdAt: Date; revokedAt: Date | null }[],
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insert(apiKeys)
    .values(keys.map((k) => ({ orgId, ...k })))
    .onConflictDoNothing();
  await db
    .update(apiKeys)
    .set({
      lastUsedAt: sql`(select max(${auditEvents.occurredAt}) from ${auditEvents} where ${auditEvents.orgId} = ${orgId} and ${auditEvents.actorType} = 'api_key' and ${auditEvents.actorId} = ${apiKeys.id}::text)`,
    })
    .where(
      and(
        eq(apiKeys.orgId, orgId),
        inArray(
          apiKeys.id,
          keys.map((k) => k.id),
        ),
      ),
    );
}
