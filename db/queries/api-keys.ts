import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { apiKeys, users } from '@/db/schema';

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
