import type { Db } from '@/db/client';
import { memberships, organizations, users } from '@/db/schema';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import type { Role } from '@/lib/auth/roles';
import { uuidv7 } from '@/lib/ids';

export async function createOrg(db: Db, slug: string) {
  const [org] = await db
    .insert(organizations)
    .values({ slug, name: `${slug} org` })
    .returning();
  return org!;
}

export async function createUser(db: Db, email: string, passwordHash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA') {
  const [user] = await db
    .insert(users)
    .values({ email, name: email.split('@')[0]!, passwordHash })
    .returning();
  return user!;
}

export async function addMember(db: Db, orgId: string, userId: string, role: Role) {
  await db.insert(memberships).values({ orgId, userId, role });
}

/** `n` events for one org, hash-chained like every entry; `times` lets a test force ties on occurred_at. */
export async function insertEvents(db: Db, orgId: string, n: number, opts: { times?: (i: number) => Date; label?: string } = {}) {
  const entries = Array.from({ length: n }, (_, i) => {
    const at = opts.times ? opts.times(i) : new Date(Date.UTC(2026, 10, 1) + i * 1000);
    return {
      orgId,
      id: uuidv7(at),
      occurredAt: at,
      actor: { type: 'user', id: 'u1', label: opts.label ?? 'tester@example.com' },
      source: 'web',
      action: 'update',
      objectType: 'flow',
      objectId: `flow_${i}`,
      message: `event ${i}`,
    } satisfies AuditEntry;
  });
  for (let i = 0; i < entries.length; i += 500) await recordAuditEvents(db, entries.slice(i, i + 500));
  return entries;
}
