/** COPY … FROM STDIN (format csv) lines for audit_events (the bench loader's templates). */
import { AUDIT_EVENT_COPY_COLUMNS } from '@/db/queries/audit-event-copy';
import type { AuditEventRowToInsert } from '@/db/queries/chain-entries';

export const COPY_COLUMNS = AUDIT_EVENT_COPY_COLUMNS;

/** One CSV field: NULL is an unquoted empty field, every value is quoted. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  return s.includes('"') ? `"${s.replace(/"/g, '""')}"` : `"${s}"`;
}

/** A text[] literal ({"a","b.c"}) as one CSV field. */
function arrayField(items: string[]): string {
  return field(`{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`);
}

/** Every column up to metadata, with the trailing comma; the caller appends `seq,"prev_hash","hash"\n`. */
export function csvLine(r: Omit<AuditEventRowToInsert, 'seq' | 'prevHash' | 'hash'> & Partial<AuditEventRowToInsert>): string {
  return (
    [
      field(r.orgId),
      field(r.id),
      field(r.occurredAt),
      field(r.receivedAt ?? r.occurredAt),
      field(r.actorType),
      field(r.actorId),
      field(r.actorLabel),
      field(r.source),
      field(r.ip),
      field(r.userAgent),
      field(r.requestId),
      field(r.action),
      field(r.objectType),
      field(r.objectId),
      field(r.objectLabel),
      field(r.module),
      field(r.project),
      field(r.message),
      field(r.result),
      field(r.errorMessage),
      field(r.before),
      field(r.after),
      field(r.changes),
      arrayField(r.changedFields ?? []),
      field(r.metadata),
    ].join(',') + ','
  );
}
