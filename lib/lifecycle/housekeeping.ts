import type { Db } from '@/db/client';
import { deleteRateWindowsBefore } from '@/db/queries/rate-limits';
import { deleteEndedUserSessions } from '@/db/queries/user-sessions';
import { DAY_MS } from '@/lib/lifecycle/retention-policy';

/** Rate-limit windows and sessions are kept this long after they end (every window is far shorter). */
const KEEP_ENDED_MS = 2 * DAY_MS;

/** Forgets rate-limit windows and signed-out or expired sessions that ended over 2 days before `now`. Not tenant data. */
export async function forgetEndedAccessState(db: Db, now: Date = new Date()): Promise<void> {
  const before = new Date(now.getTime() - KEEP_ENDED_MS);
  await deleteRateWindowsBefore(db, before);
  await deleteEndedUserSessions(db, before);
}
