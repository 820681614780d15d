import type { TimeRange } from '@/lib/view/time-range';

const THIRTY_DAYS = 30 * 86_400_000;
// Every preset but these lies inside the last 30 days.
const NOT_NARROWER = new Set(['30d', 'all']);

/**
 * Whether "Widen to the last 30 days" really widens: only when the current window lies inside the last
 * 30 days. From the beginning, or an older custom window, the 30-day view would be narrower or elsewhere.
 */
export function offersWiderRange(range: TimeRange, now: Date): boolean {
  if ('preset' in range) return !NOT_NARROWER.has(range.preset);
  return range.from !== null && range.from.getTime() >= now.getTime() - THIRTY_DAYS;
}
