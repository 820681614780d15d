import { defaultFilters, type AuditFilters } from '@/lib/view/filters';

type EventKeys = { actorId: string | null; actorLabel: string; objectType: string; objectId: string | null };

// A trail is the whole history: all time, nothing else filtered.
const allTime = (): AuditFilters => ({ ...defaultFilters(), range: { preset: 'all' } });

/** "All events by this user": by the actor's id, which survives an email change; by its label when there is none. */
export function actorTrail(event: EventKeys): AuditFilters {
  const f = allTime();
  return event.actorId ? { ...f, include: { ...f.include, actorId: [event.actorId] } } : { ...f, include: { ...f.include, actor: [event.actorLabel] } };
}

/** "All events for this record", or null when the event names no object id. */
export function recordTrail(event: EventKeys): AuditFilters | null {
  if (!event.objectId) return null;
  const f = allTime();
  return { ...f, objectId: event.objectId, include: { ...f.include, type: [event.objectType] } };
}
