import { formatInZone } from './time-zone';

/** A nullable timestamp for admin lists ("—" when never). */
export function formatMaybe(date: Date | null | undefined, zone: string): string {
  return date ? formatInZone(date, zone) : '—';
}
