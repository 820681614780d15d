/**
 * The instants a filter may name: years 0001 to 9999 in UTC. JavaScript reaches further (year 275760) and
 * PostgreSQL too, but outside these years `toISOString()` writes a six-digit year PostgreSQL cannot read.
 */
export const MIN_INSTANT = new Date('0001-01-01T00:00:00.000Z').getTime();
export const MAX_INSTANT = new Date('9999-12-31T23:59:59.999Z').getTime();

export const OUT_OF_RANGE = 'is outside the years 0001 to 9999 (UTC)';

export function isStorableInstant(d: Date): boolean {
  const ms = d.getTime();
  return ms >= MIN_INSTANT && ms <= MAX_INSTANT;
}

/** ISO 8601 instant with an offset or Z (2026-11-21T10:00:00Z, 2026-11-21T11:00+01:00); range not checked. */
export function parseInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
