import type { StreamEvent } from '@/lib/streams/sink';
import { readEventFields, unmappedFields } from './event-fields';
import { PRODUCT, type ProductInfo } from './product';

/** The OCSF schema version the mapping follows (API Activity as defined there). */
export const OCSF_VERSION = '1.3.0';

const CATEGORY_UID = 6; // Application Activity
const CLASS_UID = 6003; // API Activity

const ACTIVITIES = { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' } as const;
type ActivityId = keyof typeof ACTIVITIES;

// The verbs an action may end in (or contain, for compound names such as "create_user"), by activity.
const VERBS: ReadonlyMap<string, ActivityId> = new Map([
  ...['create', 'created', 'add', 'added', 'insert', 'inserted'].map((v) => [v, 1] as const),
  ...['read', 'get', 'view', 'viewed', 'list', 'listed', 'search', 'export', 'exported', 'download'].map((v) => [v, 2] as const),
  ...['update', 'updated', 'edit', 'edited', 'modify', 'modified', 'change', 'changed', 'set', 'rename', 'renamed'].map((v) => [v, 3] as const),
  ...['delete', 'deleted', 'remove', 'removed', 'destroy', 'destroyed', 'purge', 'purged'].map((v) => [v, 4] as const),
]);

/** API Activity's activity_id for an action: its verb, read from the last word back ("member.create" -> 1 Create). */
export function ocsfActivityId(action: string): ActivityId {
  const words = action.toLowerCase().split(/[.:_\-\s/]+/);
  for (let i = words.length - 1; i >= 0; i--) {
    const id = VERBS.get(words[i] ?? '');
    if (id !== undefined) return id;
  }
  return 99;
}

// OCSF user.type_id: 1 User, 3 System, 99 Other (the source's own word goes to `type`).
const USER_TYPE_IDS: Record<string, number> = { user: 1, system: 3 };

/**
 * One audit entry as an OCSF API Activity event (class 6003, category 6). The entry's chain position stays with
 * it: `metadata.sequence` is its seq, `unmapped.prev_hash`/`unmapped.hash` its links, so a receiver can still
 * check that the sequence is unbroken. Fields OCSF has no attribute for (before/after, changes, metadata, ...)
 * go to `unmapped` under their own names.
 */
export function toOcsfApiActivity(event: StreamEvent, product: ProductInfo = PRODUCT): Record<string, unknown> {
  const f = readEventFields(event);
  const activityId = ocsfActivityId(f.action);
  const failed = f.result === 'failure';
  const actorType = f.actor.type ?? 'unknown';
  const user: Record<string, unknown> = { type_id: USER_TYPE_IDS[actorType] ?? 99, type: actorType };
  if (f.actor.id !== null) user.uid = f.actor.id;
  if (f.actor.label !== null) user.name = f.actor.label;

  const resource: Record<string, unknown> = {};
  if (f.object.type !== null) resource.type = f.object.type;
  if (f.object.id !== null) resource.uid = f.object.id;
  if (f.object.label !== null) resource.name = f.object.label;

  const api: Record<string, unknown> = { operation: f.action, service: { name: product.name } };
  if (f.requestId !== null) api.request = { uid: f.requestId };

  const ocsf: Record<string, unknown> = {
    category_uid: CATEGORY_UID,
    category_name: 'Application Activity',
    class_uid: CLASS_UID,
    class_name: 'API Activity',
    activity_id: activityId,
    activity_name: ACTIVITIES[activityId],
    type_uid: CLASS_UID * 100 + activityId,
    type_name: `API Activity: ${ACTIVITIES[activityId]}`,
    time: f.occurredAt.getTime(),
    severity_id: failed ? 2 : 1,
    severity: failed ? 'Low' : 'Informational',
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: product.name, vendor_name: product.vendor, version: product.version },
      uid: f.id,
      tenant_uid: f.orgId,
      sequence: f.seq,
      original_time: event.occurred_at,
    },
    actor: { user },
    api,
    src_endpoint: f.ip !== null ? { ip: f.ip } : { name: f.source ?? 'unknown' },
    resources: Object.keys(resource).length > 0 ? [resource] : [],
    unmapped: { prev_hash: f.prevHash, hash: f.hash, ...(f.source !== null ? { source: f.source } : {}), ...unmappedFields(event) },
  };
  if (f.errorMessage !== null) ocsf.status_detail = f.errorMessage;
  if (f.userAgent !== null) ocsf.http_request = { user_agent: f.userAgent };
  return ocsf;
}
