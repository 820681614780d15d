// Retention rules shared by the settings screen and the job; no server imports, so a client form may use them too.

/** The server's limits on retention: the shortest period ever applied and how long a shortening waits. */
export type RetentionPolicy = { minDays: number; delayDays: number };

export const DAY_MS = 86_400_000;

/** The period the job applies: an organization set below the floor (before it existed) is treated as the floor. */
export function effectiveRetentionDays(retentionDays: number, minDays: number): number {
  return Math.max(retentionDays, minDays);
}

/** "2026-12-05 14:00 UTC": when a scheduled change takes effect, the same for every reader. */
export function formatRetentionDue(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
