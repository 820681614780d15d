import { z } from 'zod';
import type { Tx } from '@/db/client';
import { getOrganizationForUpdate, setRetentionPending, updateOrganizationSettings } from '@/db/queries/tenancy';
import type { Role } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';
import { isValidTimeZone } from '@/lib/format/time-zone';
import { DAY_MS, formatRetentionDue, type RetentionPolicy } from '@/lib/lifecycle/retention-policy';
import { getRetentionPolicy } from '@/lib/lifecycle/retention-settings';
import { defineOperation, type OperationContext } from '@/lib/recording/operation';

type OrgSettings = {
  name: string;
  timeZone: string;
  retentionDays: number;
  retentionPendingDays: number | null;
  retentionPendingAt: Date | null;
  legalHold: boolean;
};

const settingsSnapshot = (o: OrgSettings) => ({
  name: o.name,
  time_zone: o.timeZone,
  retention_days: o.retentionDays,
  retention_pending_days: o.retentionPendingDays,
  retention_pending_at: o.retentionPendingAt?.toISOString() ?? null,
  legal_hold: o.legalHold,
});

/** What saving a retention period does: nothing, apply it now (a longer one), or schedule it (a shorter one). */
type RetentionStep = { kind: 'keep' } | { kind: 'lengthen' } | { kind: 'schedule'; at: Date };

/**
 * The retention rules of issue 15: the floor binds everyone, only owners shorten, and a shorter period waits
 * `delayDays` (re-saving the same scheduled value keeps its date). An unchanged value is always accepted, so an
 * organization already below the floor can still save its other settings.
 */
function planRetentionStep(before: OrgSettings, requested: number, role: Role, policy: RetentionPolicy, now: Date): RetentionStep {
  if (requested === before.retentionDays) return { kind: 'keep' };
  if (requested < policy.minDays) {
    throw new DomainError(`The retention period must be at least ${policy.minDays} days.`, {
      retentionDays: [`Keep at least ${policy.minDays} days (the minimum set for this server).`],
    });
  }
  if (requested > before.retentionDays) return { kind: 'lengthen' };
  // Shortening lets the next run remove entries that would otherwise stay: an owner's decision, and never at once.
  if (role !== 'owner') {
    throw new DomainError('Only owners can shorten the retention period.', { retentionDays: ['Only owners can shorten this; admins may lengthen it.'] });
  }
  if (requested === before.retentionPendingDays && before.retentionPendingAt) return { kind: 'schedule', at: before.retentionPendingAt };
  return { kind: 'schedule', at: new Date(now.getTime() + policy.delayDays * DAY_MS) };
}

function retentionNote(before: OrgSettings, requested: number, step: RetentionStep): string {
  if (step.kind === 'schedule') return ` (retention ${before.retentionDays} → ${requested} days scheduled for ${formatRetentionDue(step.at)})`;
  if (step.kind === 'lengthen' && before.retentionPendingDays !== null) return ' (the scheduled shorter retention period was cancelled)';
  return '';
}

/** Settings save with the retention rules of `policy` (by default AUDIT_RETENTION_MIN_DAYS / _DELAY_DAYS, read per save). */
export function createUpdateSettingsOperation(policy?: RetentionPolicy) {
  return defineOperation({
    permission: 'settings:manage',
    action: 'update',
    objectType: 'settings',
    module: 'Settings',
    describe: 'change organization settings',
    schema: z.object({
      name: z.string().trim().min(1, { error: 'The organization needs a name.' }).max(120),
      timeZone: z.string().trim().refine(isValidTimeZone, { error: 'Choose a time zone from the list (an IANA name such as Europe/Berlin).' }),
      // The server's floor (AUDIT_RETENTION_MIN_DAYS) is checked against the current value in run(); ten years covers most rules.
      retentionDays: z.coerce
        .number({ error: 'Enter a number of days.' })
        .int({ error: 'Enter a whole number of days.' })
        .min(1, { error: 'Keep at least 1 day.' })
        .max(3650, { error: 'At most 3650 days (10 years).' }),
      // Absent = unchanged: admins submit the form without it. The owner's form sends "off" then the checkbox's "on".
      legalHold: z.enum(['on', 'off'], { error: 'Legal hold is on or off.' }).optional(),
    }),
    async run(tx: Tx, input, ctx: OperationContext) {
      const before = await getOrganizationForUpdate(tx, ctx.org.orgId);
      if (!before) throw new DomainError('This organization no longer exists.');
      const legalHold = input.legalHold === undefined ? before.legalHold : input.legalHold === 'on';
      // Suspending retention keeps evidence past its period: a decision for owners only, not every settings admin.
      if (legalHold !== before.legalHold && ctx.org.role !== 'owner') {
        throw new DomainError('Only owners can place or lift a legal hold.', { legalHold: ['Only owners can change this.'] });
      }
      const step = planRetentionStep(before, input.retentionDays, ctx.org.role, policy ?? getRetentionPolicy(), new Date());
      let after = await updateOrganizationSettings(tx, ctx.org.orgId, {
        name: input.name,
        timeZone: input.timeZone,
        retentionDays: step.kind === 'lengthen' ? input.retentionDays : before.retentionDays,
        legalHold,
      });
      // A longer period also replaces any shorter one still waiting: the organization asked to keep more.
      if (step.kind === 'lengthen' && before.retentionPendingDays !== null) after = await setRetentionPending(tx, ctx.org.orgId, null);
      if (step.kind === 'schedule') after = await setRetentionPending(tx, ctx.org.orgId, { days: input.retentionDays, at: step.at });
      const b = settingsSnapshot(before);
      const a = settingsSnapshot(after!);
      const changed = Object.keys(a).filter((k) => a[k as keyof typeof a] !== b[k as keyof typeof b]);
      const summary = changed.length ? `Changed organization settings: ${changed.join(', ')}` : 'Saved organization settings (no changes)';
      return {
        data: a,
        audit: {
          objectId: ctx.org.orgId,
          objectLabel: 'Organization settings',
          message: summary + retentionNote(before, input.retentionDays, step),
          before: b,
          after: a,
        },
      };
    },
  });
}

export const updateSettingsOperation = createUpdateSettingsOperation();

export const cancelRetentionChangeOperation = defineOperation({
  permission: 'settings:manage',
  action: 'update',
  objectType: 'settings',
  module: 'Settings',
  describe: 'cancel a scheduled retention change',
  schema: z.object({}),
  async run(tx, _input, ctx) {
    const before = await getOrganizationForUpdate(tx, ctx.org.orgId);
    if (!before) throw new DomainError('This organization no longer exists.');
    if (ctx.org.role !== 'owner') throw new DomainError('Only owners can cancel a scheduled retention change.');
    if (before.retentionPendingDays === null || before.retentionPendingAt === null) throw new DomainError('No retention change is scheduled.');
    const after = await setRetentionPending(tx, ctx.org.orgId, null);
    const b = settingsSnapshot(before);
    const a = settingsSnapshot(after!);
    return {
      data: a,
      audit: {
        objectId: ctx.org.orgId,
        objectLabel: 'Organization settings',
        message: `Cancelled the scheduled retention change (${before.retentionDays} → ${before.retentionPendingDays} days on ${formatRetentionDue(before.retentionPendingAt)})`,
        before: b,
        after: a,
      },
    };
  },
});
