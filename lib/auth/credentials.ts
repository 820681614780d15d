import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { getUserByEmail } from '@/db/queries/tenancy';
import { getDummyHash, verifyPassword } from './password';

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

/** Checks an email and password against the users table; null means "invalid email or password". */
export async function verifyCredentials(db: DbOrTx, raw: unknown) {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await getUserByEmail(db, parsed.data.email);
  // Unknown emails still pay for one hash check, so timing doesn't reveal who has an account.
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await getDummyHash()));
  return user && ok ? { id: user.id, email: user.email, name: user.name } : null;
}
