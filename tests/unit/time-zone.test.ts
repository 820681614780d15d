import { describe, expect, it } from 'vitest';
import { formatInZone, isValidTimeZone } from '@/lib/format/time-zone';
import { hasPermission } from '@/lib/auth/roles';

describe('time zones', () => {
  const instant = new Date('2026-11-21T23:30:05Z');
  it('formats an instant in the viewer’s zone, crossing the date line correctly', () => {
    expect(formatInZone(instant, 'UTC')).toBe('2026-11-21 23:30:05');
    expect(formatInZone(instant, 'Europe/Berlin')).toBe('2026-11-22 00:30:05');
    expect(formatInZone(instant, 'America/Los_Angeles')).toBe('2026-11-21 15:30:05');
    expect(formatInZone(instant, 'Asia/Kolkata')).toBe('2026-11-22 05:00:05');
  });
  it('accepts only real IANA zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(null)).toBe(false);
  });
});

describe('roles', () => {
  it('lets owners, admins and auditors read the audit log, and not members', () => {
    expect(['owner', 'admin', 'auditor', 'member'].map((r) => hasPermission(r as never, 'audit:read'))).toEqual([true, true, true, false]);
  });
});
