import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { firstRetainedSeq, listStreamDestinations } from '@/db/queries/stream-destinations';
import { PageHeader } from '@/components/admin/page-header';
import { StreamDestinationCard } from '@/components/admin/stream-destination-card';
import { StreamDestinationForm, type KindOption } from '@/components/admin/stream-destination-form';
import { hasPermission } from '@/lib/auth/roles';
import { requirePermission } from '@/lib/auth/session';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';
import { DESTINATION_KINDS, FORMAT_LABELS, KINDS } from '@/lib/streams/kinds';

export const metadata: Metadata = { title: 'Streams' };

const KIND_OPTIONS: KindOption[] = DESTINATION_KINDS.map((value) => {
  const k = KINDS[value];
  return {
    value,
    label: k.label,
    available: Boolean(k.createSink),
    fields: [...k.fields, ...k.secretFields],
    formats: k.formats.map((f) => ({ value: f, label: FORMAT_LABELS[f] })),
    generatedSecret: k.generatedSecret?.label ?? null,
  };
});

export default async function StreamsPage() {
  const { org } = await requirePermission('audit:read');
  const db = await getDb();
  const destinations = await listStreamDestinations(db, org.orgId);
  const firstSeq = await firstRetainedSeq(db, org.orgId);
  const zone = (await getBrowserTimeZone()) ?? org.timeZone;
  const canManage = hasPermission(org.role, 'streams:manage');
  const now = new Date();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Streams"
        description={`Every entry of ${org.name}'s audit log delivered to your SIEM or endpoint, in chain order, at least once, each with its seq, prev_hash and hash so the receiver can prove nothing is missing or changed.`}
      />
      {destinations.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          No destinations yet.{canManage ? ' Add one below.' : ''}
        </p>
      ) : (
        <div className="space-y-4">
          {destinations.map((d) => (
            <StreamDestinationCard key={d.id} d={d} zone={zone} now={now} canManage={canManage} firstSeq={firstSeq} />
          ))}
        </div>
      )}
      {canManage ? <StreamDestinationForm kinds={KIND_OPTIONS} startOpen={destinations.length === 0} /> : null}
    </div>
  );
}
