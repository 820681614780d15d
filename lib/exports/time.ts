import { formatInZone } from '@/lib/format/time-zone';
import { zoneOffsetMs } from '@/lib/format/zoned';

const pad = (n: number) => String(n).padStart(2, '0');

const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;
/** Wall-clock instants from 1970-01-01 up to the end of 9999: toISOString's plain four-digit-year form. */
const FAST_RANGE_END = 253_402_300_800_000;
const D2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const D3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** "+01:00": the offset as isoInZone writes it (whole minutes). */
function offsetSuffix(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * Formats many instants in one zone, for exports (one call per row and column): the same text as
 * isoInZone / localInZone, from the same cached zone offset (zoneOffsetMs), without building Dates and ISO
 * strings per row. It remembers the last quarter hour's offset and the last day's "YYYY-MM-DD", which an
 * export in time order hits almost always; instants outside 1970–9999 take the per-call functions.
 */
export type ZoneFormatter = {
  /** isoInZone(date, zone). */
  iso(date: Date): string;
  /** localInZone(date, zone). */
  local(date: Date): string;
  /** isoInZone for epoch milliseconds. */
  isoMs(ms: number): string;
  /** localInZone for epoch milliseconds. */
  localMs(ms: number): string;
  /**
   * isoMs's text (local: localMs's) written as ASCII into `out` at `offset`; returns the new offset, or -1
   * (nothing written) for an instant outside 1970–9999, whose text the caller takes from isoMs/localMs.
   * `out` needs 29 bytes of room (local: 19).
   */
  writeMs(out: Uint8Array, offset: number, ms: number, local: boolean): number;
};

export function createZoneFormatter(zone: string): ZoneFormatter {
  let bucket = NaN;
  let offset = 0;
  let suffix = '';
  let day = NaN;
  let dayText = '';
  /** The wall-clock milliseconds of `ms` in the zone (updates the cached offset). */
  const wallOf = (ms: number): number => {
    const b = Math.floor(ms / QUARTER_HOUR_MS);
    if (b !== bucket) {
      offset = zoneOffsetMs(new Date(ms), zone);
      suffix = offsetSuffix(offset);
      bucket = b;
    }
    return ms + offset;
  };
  /** Milliseconds into the wall-clock day (updates the cached "YYYY-MM-DD"); for instants in the fast range. */
  const inDayOf = (wall: number): number => {
    const d = Math.floor(wall / DAY_MS);
    if (d !== day) {
      dayText = new Date(d * DAY_MS).toISOString().slice(0, 10);
      day = d;
    }
    return wall - d * DAY_MS;
  };
  const clock = (inDay: number): string => {
    const seconds = Math.floor(inDay / 1000);
    return `${D2[Math.floor(seconds / 3600)]}:${D2[Math.floor(seconds / 60) % 60]}:${D2[seconds % 60]}`;
  };
  const isoMs = (ms: number): string => {
    const wall = wallOf(ms);
    if (!(wall >= 0 && wall < FAST_RANGE_END)) return isoInZone(new Date(ms), zone);
    const inDay = inDayOf(wall);
    return `${dayText}T${clock(inDay)}.${D3[inDay % 1000]}${suffix}`;
  };
  const localMs = (ms: number): string => {
    const wall = wallOf(ms);
    if (!(wall >= 0 && wall < FAST_RANGE_END)) return localInZone(new Date(ms), zone);
    return `${dayText} ${clock(inDayOf(wall))}`;
  };
  const two = (out: Uint8Array, o: number, n: number) => {
    out[o] = 48 + Math.floor(n / 10);
    out[o + 1] = 48 + (n % 10);
  };
  const writeMs = (out: Uint8Array, offset: number, ms: number, local: boolean): number => {
    const wall = wallOf(ms);
    if (!(wall >= 0 && wall < FAST_RANGE_END)) return -1;
    const inDay = inDayOf(wall);
    let o = offset;
    for (let i = 0; i < 10; i++) out[o++] = dayText.charCodeAt(i);
    out[o++] = local ? 32 : 84; // ' ' or 'T'
    const seconds = Math.floor(inDay / 1000);
    two(out, o, Math.floor(seconds / 3600));
    out[o + 2] = 58; // ':'
    two(out, o + 3, Math.floor(seconds / 60) % 60);
    out[o + 5] = 58;
    two(out, o + 6, seconds % 60);
    o += 8;
    if (local) return o;
    out[o++] = 46; // '.'
    const milli = inDay % 1000;
    out[o++] = 48 + Math.floor(milli / 100);
    two(out, o, milli % 100);
    o += 2;
    for (let i = 0; i < suffix.length; i++) out[o++] = suffix.charCodeAt(i);
    return o;
  };
  return { isoMs, localMs, writeMs, iso: (date) => isoMs(date.getTime()), local: (date) => localMs(date.getTime()) };
}

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
  return `${local}${offsetSuffix(offset)}`;
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
