'use client';

import type { ReactNode } from 'react';
import { ViewLink } from './view-pending';
import type { AuditEventRow } from '@/db/schema/audit-events';
import { isValidTimeZone } from '@/lib/format/time-zone';
import { ActionPill } from './action-pill';
import { EventDetailChanges } from './event-detail-changes';
import { EventDetailFields, ResultText, ZonedInstant } from './event-detail-fields';
import { EventDetailSheet } from './event-detail-sheet';
import { JsonDiff, prettyJson } from './json-diff';

export type EventDetailProps = {
  /** The full row from getAuditEvent (Dates survive the server-to-client boundary). */
  event: AuditEventRow;
  /** The same view without `event`: where closing the sheet goes. */
  closeHref: string;
  /** "All events for this record"; null when the event names no object id. */
  recordHref: string | null;
  /** "All events by this user": by the actor id, else (system events) by the label. */
  actorHref: string | null;
  /** IANA zone to show times in (the viewer's, else the organization's). */
  timeZone: string;
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <h3 className="text-sm font-semibold text-zinc-800 dark:text-zinc-200">{title}</h3>
      {children}
    </section>
  );
}

const linkClass =
  'inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900';

/** One audit entry in a right-side sheet whose open state lives in the URL, so the link can be shared. */
export function EventDetail(props: EventDetailProps) {
  // A new event id gets a fresh sheet (open, diff hidden) rather than inheriting the previous one's state.
  return <EventDetailView key={props.event.id} {...props} />;
}

function EventDetailView({ event, closeHref, recordHref, actorHref, timeZone }: EventDetailProps) {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const metadata = prettyJson(event.metadata);

  return (
    <EventDetailSheet
      closeHref={closeHref}
      eventId={event.id}
      title={event.message || `${event.action} ${event.objectType}`}
      description={
        <>
          <ActionPill action={event.action} />
          <ResultText result={event.result} />
          <ZonedInstant at={event.occurredAt} timeZone={zone} />
        </>
      }
    >
      <div className="space-y-8">
        {event.result === 'failure' ? (
          <div className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100">
            <p className="font-semibold">This attempt failed</p>
            <p className="mt-1 break-words">{event.errorMessage || 'No reason was recorded.'}</p>
          </div>
        ) : null}

        {recordHref || actorHref ? (
          <nav aria-label="Related events" className="flex flex-wrap gap-2">
            {recordHref ? (
              <ViewLink href={recordHref} className={linkClass}>
                All events for this record
              </ViewLink>
            ) : null}
            {actorHref ? (
              <ViewLink href={actorHref} className={linkClass}>
                All events by this user
              </ViewLink>
            ) : null}
          </nav>
        ) : null}

        <Section title="Details">
          <EventDetailFields event={event} timeZone={zone} />
        </Section>

        <Section title="Changes">
          <EventDetailChanges changes={event.changes} />
        </Section>

        <Section title="Before and after">
          <JsonDiff before={event.before} after={event.after} />
        </Section>

        <Section title="Metadata / request parameters">
          {metadata === '{}' ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">No metadata recorded.</p>
          ) : (
            <pre
              tabIndex={0}
              aria-label="Metadata as JSON"
              className="max-h-80 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-relaxed dark:border-zinc-800 dark:bg-zinc-900"
            >
              {metadata}
            </pre>
          )}
        </Section>
      </div>
    </EventDetailSheet>
  );
}

/** The same sheet for an id that is unknown, malformed or another organization's: one message for all three. */
export function EventNotFound({ closeHref }: { closeHref: string }) {
  return (
    <EventDetailSheet closeHref={closeHref} title="Event not found" description="Event not found — it does not exist or belongs to another organization.">
      <ViewLink href={closeHref} className={linkClass}>
        Back to the events
      </ViewLink>
    </EventDetailSheet>
  );
}
