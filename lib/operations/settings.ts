import { z } from 'zod';
import { getOrganizationForUpdate, updateOrganizationSettings } from '@/db/queries/tenancy';
import { defineOperation } from '@/lib/recording/operation';
import { isValidTimeZone } from '@/lib/format/time-zone';
import { DomainError } from '@/lib/errors';

const settingsSnapshot = (o: { name: string; timeZone: string; retentionDays: number; legalHold: boolean }) => ({
  name: o.name,
  time_zone: o.timeZone,
  retention_days: o.retentionDays,
  legal_hold: o.legalHold,
});

export const updateSettingsOperation = defineOperation({
  permission: 'settings:manage',
  action: 'update',
  objectType: 'settings',
  module: 'Settings',
  describe: 'change organization settings',
  schema: z.object({
    name: z.string().trim().min(1, { error: 'The organization needs a name.' }).max(120),
    timeZone: z.string().trim().refine(isValidTimeZone, { error: 'Choose a time zone from the list (an IANA name such as Europe/Berlin).' }),
    // One year is PCI DSS's minimum; ten years covers most regulated retention rules.
    retentionDays: z.coerce
      .number({ error: 'Enter a number of days.' })
      .int()
      .min(30, { error: 'Keep at least 30 days.' })
      .max(3650, { error: 'At most 3650 days (10 years).' }),
    // Absent = unchanged: admins submit the form without it. The owner's form sends "off" then the checkbox's "on".
    legalHold: z.enum(['on', 'off'], { error: 'Legal hold is on or off.' }).optional(),
  }),
  async run(tx, input, ctx) {
    const before = await getOrganizationForUpdate(tx, ctx.org.orgId);
    if (!before) throw new DomainError('This organization no longer exists.');
    const legalHold = input.legalHold === undefined ? before.legalHold : input.legalHold === 'on';
    // Suspending retention keeps evidence past its period: a decision for owners only, not every settings admin.
    if (legalHold !== before.legalHold && ctx.org.role !== 'owner') {
      throw new DomainError('Only owners can place or lift a legal hold.', { legalHold: ['Only owners can change this.'] });
    }
    const after = await updateOrganizationSettings(tx, ctx.org.orgId, {
      name: input.name,
      timeZone: input.timeZone,
      retentionDays: input.retentionDays,
      legalHold,
    });
    const b = settingsSnapshot(before);
    const a = settingsSnapshot(after!);
    const changed = Object.keys(a).filter((k) => a[k as keyof typeof a] !== b[k as keyof typeof b]);
    return {
      data: a,
      audit: {
        objectId: ctx.org.orgId,
        objectLabel: 'Organization settings',
        message: changed.length ? `Changed organization settings: ${changed.join(', ')}` : 'Saved organization settings (no changes)',
        before: b,
        after: a,
      },
    };
  },
});
