import { cookies } from 'next/headers';
import { isValidTimeZone } from './time-zone';

/** The browser-reported zone (cookie `tz`) when valid, else null. */
export async function getBrowserTimeZone(): Promise<string | null> {
  const raw = (await cookies()).get('tz')?.value;
  const zone = raw ? decodeURIComponent(raw) : null;
  return isValidTimeZone(zone) ? zone : null;
}
