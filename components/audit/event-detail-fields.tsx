import type { ReactNode } from 'react';
import type { AuditEventRow } from '@/db/schema/audit-events';
import { formatInZone, zoneAbbreviation } from '@/lib/format/time-zone';
import { CopyButton } from './event-detail-copy';

const ACTOR_KIND: Record<AuditEventRow['actorType'], string> = { user: 'user', api_key: 'API key', system: 'system' };

function Empty() {
  return <span className="text-zinc-400 dark:text-zinc-500">—</span>;
}

function Mono({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xs break-all">{children}</span>;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-4">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

function Text({ value, mono = false }: { value: string | null; mono?: boolean }) {
  if (value === null || value === '') return <Empty />;
  return mono ? <Mono>{value}</Mono> : <span className="break-words">{value}</span>;
}

/** The instant in the viewer's zone, then exactly in UTC, so a shared link means the same moment to everyone. */
export function ZonedInstant({ at, timeZone }: { at: Date; timeZone: string }) {
  const iso = at.toISOString();
  return (
    <span className="flex flex-wrap items-baseline gap-x-2">
      <time dateTime={iso} className="font-mono text-xs tabular-nums">
        {formatInZone(at, timeZone)} {zoneAbbreviation(at, timeZone)}
      </time>
      <span className="font-mono text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{iso}</span>
    </span>
  );
}

/** Every stored column of an entry except the snapshots and metadata, which have their own sections. */
export function EventDetailFields({ event, timeZone }: { event: AuditEventRow; timeZone: string }) {
  return (
    <dl className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
      <Field label="Event id">
        <span className="flex flex-wrap items-center gap-2">
          <Mono>{event.id}</Mono>
          <CopyButton value={event.id} what="event id" />
        </span>
      </Field>
      <Field label="Occurred at">
        <ZonedInstant at={event.occurredAt} timeZone={timeZone} />
      </Field>
      <Field label="Received at">
        <ZonedInstant at={event.receivedAt} timeZone={timeZone} />
      </Field>
      <Field label="Actor">
        <span className="flex flex-wrap items-center gap-2">
          <span className="break-words">{event.actorLabel}</span>
          <span className="rounded border border-zinc-300 px-1 text-[10px] text-zinc-500 uppercase dark:border-zinc-700 dark:text-zinc-400">
            {ACTOR_KIND[event.actorType]}
          </span>
        </span>
      </Field>
      <Field label="Actor id">
        <Text value={event.actorId} mono />
      </Field>
      <Field label="Source">
        <Text value={event.source} />
      </Field>
      <Field label="IP address">
        <Text value={event.ip} mono />
      </Field>
      <Field label="User agent">
        <Text value={event.userAgent} mono />
      </Field>
      <Field label="Request id">
        {event.requestId ? (
          <span className="flex flex-wrap items-center gap-2">
            <Mono>{event.requestId}</Mono>
            <CopyButton value={event.requestId} what="request id" />
          </span>
        ) : (
          <Empty />
        )}
      </Field>
      <Field label="Object type">
        <Text value={event.objectType} />
      </Field>
      <Field label="Object id">
        <Text value={event.objectId} mono />
      </Field>
      <Field label="Object label">
        <Text value={event.objectLabel} />
      </Field>
      <Field label="Module">
        <Text value={event.module} />
      </Field>
      <Field label="Project">
        <Text value={event.project} />
      </Field>
      <Field label="Result">
        <ResultText result={event.result} />
      </Field>
      <Field label="Error message">
        <Text value={event.errorMessage} />
      </Field>
      <Field label="Changed fields">{event.changedFields.length ? <Mono>{event.changedFields.join(', ')}</Mono> : <Empty />}</Field>
    </dl>
  );
}

export function ResultText({ result }: { result: AuditEventRow['result'] }) {
  return result === 'success' ? (
    <span className="text-emerald-700 dark:text-emerald-400">success</span>
  ) : (
    <span className="font-medium text-red-700 dark:text-red-400">failure</span>
  );
}
