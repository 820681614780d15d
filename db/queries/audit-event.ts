import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, type AuditEventRow } from '@/db/schema';
import { isUuid } from '@/db/vocabulary/ids';

/**
 * One event with every column, for the detail view and shared links. Tenancy: only a row of `orgId`
 * is returned, so another organization's event id reads as not found (null), as do malformed ids.
 */
export async function getAuditEvent(db: DbOrTx, orgId: string, id: string): Promise<AuditEventRow | null> {
  // A non-UUID would make PostgreSQL raise a cast error; it cannot name an event, so it is simply not found.
  if (!isUuid(id)) return null;
  // Served by audit_events_org_event_idx (org_id, id); no constraint makes id unique alone, so take one row.
  const [row] = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.id, id)))
    .limit(1);
  return row ?? null;
}
