import type { StreamEvent } from '@/lib/streams/sink';

/**
 * The fields every destination format reads from a stream event, whether the event nests actor and object
 * (`actor: { type, id, label }`, the API's shape) or carries them flat (`actor_type`, `actor_id`, ..., the
 * chain record's shape). Formats read through this one function so they do not depend on which shape the loop sends.
 */
export type EventFields = {
  id: string;
  seq: number;
  prevHash: string;
  hash: string;
  occurredAt: Date;
  orgId: string;
  action: string;
  result: string;
  message: string;
  errorMessage: string | null;
  source: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  actor: { type: string | null; id: string | null; label: string | null };
  object: { type: string | null; id: string | null; label: string | null };
};

/** The event's own keys that EventFields covers (the rest are the formats' "unmapped" remainder). */
export const MAPPED_KEYS = new Set([
  'id',
  'seq',
  'prev_hash',
  'hash',
  'occurred_at',
  'org_id',
  'action',
  'result',
  'message',
  'error_message',
  'source',
  'ip',
  'user_agent',
  'request_id',
  'actor',
  'actor_type',
  'actor_id',
  'actor_label',
  'object',
  'object_type',
  'object_id',
  'object_label',
]);

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function nested(event: StreamEvent, name: 'actor' | 'object', key: 'type' | 'id' | 'label'): string | null {
  const inner = event[name];
  if (inner && typeof inner === 'object' && key in inner) return text((inner as Record<string, unknown>)[key]);
  return text(event[`${name}_${key}`]);
}

/** Reads the fields the formats need; unknown or missing values come back as null, never as "undefined". */
export function readEventFields(event: StreamEvent): EventFields {
  return {
    id: event.id,
    seq: event.seq,
    prevHash: event.prev_hash,
    hash: event.hash,
    occurredAt: new Date(event.occurred_at),
    orgId: event.org_id,
    action: text(event.action) ?? '',
    result: text(event.result) ?? 'success',
    message: text(event.message) ?? '',
    errorMessage: text(event.error_message),
    source: text(event.source),
    ip: text(event.ip),
    userAgent: text(event.user_agent),
    requestId: text(event.request_id),
    actor: { type: nested(event, 'actor', 'type'), id: nested(event, 'actor', 'id'), label: nested(event, 'actor', 'label') },
    object: { type: nested(event, 'object', 'type'), id: nested(event, 'object', 'id'), label: nested(event, 'object', 'label') },
  };
}

/** The event's keys that no standard field of a format takes, with their values (for OCSF `unmapped`). */
export function unmappedFields(event: StreamEvent): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (!MAPPED_KEYS.has(key) && value !== undefined) rest[key] = value;
  return rest;
}
