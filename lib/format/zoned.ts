/** Calendar arithmetic in an IANA zone without a date library: enough for day and week boundaries. */

function partsIn(date: Date, zone: string) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second), weekday: String(p.weekday) };
}

/** Offset of `zone` from UTC at `date`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(date: Date, zone: string): number {
  const p = partsIn(date, zone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
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
