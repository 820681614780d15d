import type { DbOrTx } from '@/db/client';
import { countRateHit } from '@/db/queries/rate-limits';

/** A limit: at most `max` hits per `windowMs` for one subject (a user, an API key, an address). */
export type RateRule = { name: string; max: number; windowMs: number };

export type RateDecision =
  { ok: true } | { ok: false; retryAfterSeconds: number; /** The first refusal in this window: record it (once). */ firstRefusal: boolean };

/** The limits the product enforces, in one place (the README's security section lists them). */
export const RATE_RULES = {
  exports: { name: 'export', max: 10, windowMs: 10 * 60_000 },
  integrityApi: { name: 'integrity', max: 30, windowMs: 60_000 },
  deniedByUser: { name: 'denied:user', max: 20, windowMs: 10 * 60_000 },
  deniedByAddress: { name: 'denied:ip', max: 60, windowMs: 10 * 60_000 },
} as const satisfies Record<string, RateRule>;

/**
 * Takes one hit of `rule` for `subject`. Counted in the database, so every app instance shares the count (a
 * limit in process memory would allow N instances N times as much).
 */
export async function takeRate(db: DbOrTx, rule: RateRule, subject: string, now = new Date()): Promise<RateDecision> {
  const { hits, windowStartedAt } = await countRateHit(db, `${rule.name}:${subject}`, rule.windowMs, now);
  if (hits <= rule.max) return { ok: true };
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStartedAt.getTime() + rule.windowMs - now.getTime()) / 1000));
  return { ok: false, retryAfterSeconds, firstRefusal: hits === rule.max + 1 };
}
