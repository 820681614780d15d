import { startOfDayInZone, startOfWeekInZone } from '@/lib/format/zoned';

export const RANGE_PRESETS = [
  '5m',
  '15m',
  '1h',
  '6h',
  '24h',
  '3d',
  '7d',
  '30d',
  'today',
  'yesterday',
  'day_before_yesterday',
  'this_week',
  'last_week',
  'all',
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = '24h';

export const RANGE_LABELS: Record<RangePreset, string> = {
  '5m': 'Last 5 minutes',
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '3d': 'Last 3 days',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  today: 'Today',
  yesterday: 'Yesterday',
  day_before_yesterday: 'The day before yesterday',
  this_week: 'This week',
  last_week: 'Last week',
  all: 'All time',
};

/** A preset, or explicit bounds (either may be open). */
export type TimeRange = { preset: RangePreset } | { from: Date | null; to: Date | null };

const MINUTES: Partial<Record<RangePreset, number>> = { '5m': 5, '15m': 15, '1h': 60, '6h': 360, '24h': 1440, '3d': 4320, '7d': 10080, '30d': 43200 };

/**
 * Concrete [from, to) instants for a range at `now`. Calendar presets (today, this week…) use the
 * viewer's zone; weeks start on Monday.
 */
export function resolveRange(range: TimeRange, now: Date, zone: string): { from: Date | null; to: Date | null } {
  if (!('preset' in range)) return range;
  const minutes = MINUTES[range.preset];
  if (minutes) return { from: new Date(now.getTime() - minutes * 60_000), to: null };
  switch (range.preset) {
    case 'today':
      return { from: startOfDayInZone(now, zone), to: null };
    case 'yesterday':
      return { from: startOfDayInZone(now, zone, -1), to: startOfDayInZone(now, zone) };
    case 'day_before_yesterday':
      return { from: startOfDayInZone(now, zone, -2), to: startOfDayInZone(now, zone, -1) };
    case 'this_week':
      return { from: startOfWeekInZone(now, zone), to: null };
    case 'last_week':
      return { from: startOfWeekInZone(now, zone, -1), to: startOfWeekInZone(now, zone) };
    default:
      return { from: null, to: null };
  }
}
