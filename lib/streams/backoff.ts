/** First retry waits about this long; each further failure doubles it up to the configured maximum. */
export const BASE_RETRY_MS = 1000;

/**
 * Exponential backoff with "equal jitter": the n-th consecutive failure waits a random time between half and
 * all of min(max, base * 2^(n-1)), so destinations failing together do not retry in step. Pure (random injected).
 */
export function retryDelayMs(consecutiveFailures: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, BASE_RETRY_MS * 2 ** Math.min(30, Math.max(0, consecutiveFailures - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** A destination is unhealthy after `threshold` consecutive failures, or at once when a retry cannot help (401, 404…). */
export function isUnhealthy(consecutiveFailures: number, threshold: number, retryable: boolean): boolean {
  return !retryable || consecutiveFailures >= threshold;
}
