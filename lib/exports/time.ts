import { formatInZone } from '@/lib/format/time-zone';
import { zoneOffsetMs } from '@/lib/format/zoned';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The zone's wall-clock time as a Date whose UTC fields carry it: spreadsheets have no zones and read a
 * date's UTC fields, so this is how "14:03 in Berlin" shows as 14:03 in Excel.
 */
export function wallClockDate(date: Date, zone: string): Date {
  return new Date(date.getTime() + zoneOffsetMs(date, zone));
}

/** "2026-11-21 14:03:07" in the zone: the same text as formatInZone, without Intl on every row. */
export function localInZone(date: Date, zone: string): string {
  return wallClockDate(date, zone).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO 8601 with the zone's offset at that instant, millisecond precision: 2026-11-21T14:03:07.123+01:00. */
export function isoInZone(date: Date, zone: string): string {
  const offset = zoneOffsetMs(date, zone);
  const local = new Date(date.getTime() + offset).toISOString().slice(0, 23);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** File-name instant: UTC, minutes, colon-free (2026-11-01T00-00Z). */
export function fileStamp(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace(':', '-')}Z`;
}

/** The exported window in words, in `zone`: an open start is "the beginning", an open end the export time. */
export function describeWindow(from: Date | null, to: Date | null, now: Date, zone: string): string {
  const start = from ? formatInZone(from, zone) : 'the beginning';
  const end = to ? formatInZone(to, zone) : `${formatInZone(now, zone)} (export time)`;
  return `${start} to ${end} (${zone})`;
}
