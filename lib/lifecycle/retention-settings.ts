import { getSettings } from '@/lib/settings';
import type { RetentionPolicy } from '@/lib/lifecycle/retention-policy';

/** AUDIT_RETENTION_MIN_DAYS and AUDIT_RETENTION_DELAY_DAYS, read when needed (never at build time). */
export function getRetentionPolicy(): RetentionPolicy {
  const settings = getSettings();
  return { minDays: settings.retentionMinDays, delayDays: settings.retentionDelayDays };
}
