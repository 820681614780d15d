export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };
export type RateLimiter = { take(key: string, now?: number): RateDecision };

/**
 * Sliding-window limiter: at most `max` takes per key within any `windowMs`. In-process memory, so
 * each server process counts on its own (N processes allow up to N × max); a shared store would fix that.
 */
export function createSlidingWindowLimiter({ max, windowMs }: { max: number; windowMs: number }): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    take(key, now = Date.now()) {
      const recent = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= max) {
        hits.set(key, recent);
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000)) };
      }
      recent.push(now);
      hits.set(key, recent);
      // Forget idle keys now and then so the map does not grow with every user ever seen.
      if (hits.size > 10_000) for (const [k, v] of hits) if (v[v.length - 1]! <= now - windowMs) hits.delete(k);
      return { ok: true };
    },
  };
}
