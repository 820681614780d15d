// Zones seen to be valid (a finite set, a few hundred at most): every page load checks the viewer's zone, and
// building a formatter to find out costs more than the lookup. Invalid names (client input) are not kept.
const knownZones = new Set<string>();

/** True for IANA zone names this runtime knows (e.g. "Europe/Berlin", "UTC"). */
export function isValidTimeZone(zone: string | undefined | null): zone is string {
  if (!zone || zone.length > 64) return false;
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    knownZones.add(zone);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-21 14:03:07" in the given zone: sortable, unambiguous, compact enough for a table cell. */
export function formatInZone(date: Date, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  // Fifty rows a page: read the parts in place rather than building an object per row.
  let year = '',
    month = '',
    day = '',
    hour = '',
    minute = '',
    second = '';
  for (const x of f.formatToParts(date)) {
    if (x.type === 'year') year = x.value;
    else if (x.type === 'month') month = x.value;
    else if (x.type === 'day') day = x.value;
    else if (x.type === 'hour') hour = x.value;
    else if (x.type === 'minute') minute = x.value;
    else if (x.type === 'second') second = x.value;
  }
  return `${year}-${month}-${day} ${hour}:${minute}:${second}`;
}

/** The zone's short name at that instant, e.g. "CET", "GMT+5:30", "UTC". */
const abbreviators = new Map<string, Intl.DateTimeFormat>();

export function zoneAbbreviation(date: Date, zone: string): string {
  let f = abbreviators.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    abbreviators.set(zone, f);
  }
  const parts = f.formatToParts(date);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}
