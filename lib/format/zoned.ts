/** Calendar arithmetic in an IANA zone without a date library: enough for day and week boundaries. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, zone: string) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second), weekday: String(p.weekday) };
}

const QUARTER_HOUR = 900_000;
const offsets = new Map<string, number>();

/**
 * Offset of `zone` from UTC at `date`, in milliseconds (positive east of Greenwich). Exports call this for
 * every row, so it is cached per zone and quarter hour (zone offsets only change on quarter-hour UTC boundaries).
 */
export function zoneOffsetMs(date: Date, zone: string): number {
  const bucket = Math.floor(date.getTime() / QUARTER_HOUR);
  const key = `${zone}|${bucket}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const at = bucket * QUARTER_HOUR;
  const p = partsIn(new Date(at), zone);
  const offset = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - at;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The instant of local midnight in `zone` for the calendar day of `date` shifted by `dayDelta` days. */
export function startOfDayInZone(date: Date, zone: string, dayDelta = 0): Date {
  const p = partsIn(date, zone);
  return localMidnight(p.y, p.m, p.d + dayDelta, zone);
}

/** The instant of 00:00 on calendar date y-m-d (m 1-12; d may overflow) in `zone`. */
export function localMidnight(y: number, m: number, d: number, zone: string): Date {
  const asUtc = Date.UTC(y, m - 1, d);
  // Two passes settle the offset across a DST change.
  let guess = asUtc - zoneOffsetMs(new Date(asUtc), zone);
  guess = asUtc - zoneOffsetMs(new Date(guess), zone);
  return new Date(guess);
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Monday 00:00 (ISO week) in `zone` of the week containing `date`, shifted by `weekDelta` weeks. */
export function startOfWeekInZone(date: Date, zone: string, weekDelta = 0): Date {
  const back = WEEKDAYS.indexOf(partsIn(date, zone).weekday);
  return startOfDayInZone(date, zone, -back + weekDelta * 7);
}
