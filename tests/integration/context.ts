import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { organizations } from '@/db/schema';
import type { OperationContext } from '@/lib/recording/operation';
import type { Role } from '@/lib/auth/roles';
import { addMember, createOrg, createUser } from './fixtures';

/** An operation context for `email` acting as `role` in a fresh organization (or in `orgId`). */
export async function actingAs(db: Db, email: string, role: Role, orgId?: string): Promise<OperationContext> {
  const org = orgId
    ? (await db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!
    : await createOrg(db, `org-${Math.random().toString(36).slice(2, 10)}`);
  const user = await createUser(db, email);
  await addMember(db, org.id, user.id, role);
  return {
    user: { id: user.id, email: user.email, name: user.name },
    org: { orgId: org.id, slug: org.slug, name: org.name, timeZone: org.timeZone, role },
    request: { ip: '203.0.113.7', userAgent: 'vitest', requestId: `req-${Math.random().toString(36).slice(2)}` },
  };
}

export { rowsOf } from '@/db/rows';
