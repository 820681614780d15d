import { describe, expect, it } from 'vitest';
import { effectiveRetentionDays, formatRetentionDue } from '@/lib/lifecycle/retention-policy';
import { getSettings } from '@/lib/settings';

// getSettings reads a whole environment; these tests pass only the variables they are about.
const settingsFor = (vars: Record<string, string>) => getSettings(vars as NodeJS.ProcessEnv);

describe('retention settings', () => {
  it('defaults to a one-year floor and a 7-day delay', () => {
    expect(settingsFor({})).toMatchObject({ retentionMinDays: 365, retentionDelayDays: 7 });
    expect(settingsFor({ AUDIT_RETENTION_MIN_DAYS: '', AUDIT_RETENTION_DELAY_DAYS: '' })).toMatchObject({ retentionMinDays: 365, retentionDelayDays: 7 });
  });

  it('reads whole numbers of days within bounds', () => {
    expect(settingsFor({ AUDIT_RETENTION_MIN_DAYS: '730', AUDIT_RETENTION_DELAY_DAYS: '14' })).toMatchObject({ retentionMinDays: 730, retentionDelayDays: 14 });
    expect(settingsFor({ AUDIT_RETENTION_MIN_DAYS: '1', AUDIT_RETENTION_DELAY_DAYS: '365' })).toMatchObject({ retentionMinDays: 1, retentionDelayDays: 365 });
    expect(settingsFor({ AUDIT_RETENTION_MIN_DAYS: ' 3650 ' }).retentionMinDays).toBe(3650);
  });

  it.each(['0', '-30', '3651', '1.5', '1e3', '0x10', '365 days', 'forever'])('refuses AUDIT_RETENTION_MIN_DAYS=%j with a message naming it', (raw) => {
    expect(() => settingsFor({ AUDIT_RETENTION_MIN_DAYS: raw })).toThrow(
      `AUDIT_RETENTION_MIN_DAYS must be a whole number of days from 1 to 3650 (got "${raw}")`,
    );
  });

  it.each(['0', '366', '-1', '7.5', 'week'])('refuses AUDIT_RETENTION_DELAY_DAYS=%j: a shortening must always wait', (raw) => {
    expect(() => settingsFor({ AUDIT_RETENTION_DELAY_DAYS: raw })).toThrow(
      `AUDIT_RETENTION_DELAY_DAYS must be a whole number of days from 1 to 365 (got "${raw}")`,
    );
  });

  it('never applies less than the floor, and shows due times in UTC', () => {
    expect(effectiveRetentionDays(30, 365)).toBe(365);
    expect(effectiveRetentionDays(400, 365)).toBe(400);
    expect(formatRetentionDue(new Date('2026-12-05T14:00:59.999Z'))).toBe('2026-12-05 14:00 UTC');
  });
});
