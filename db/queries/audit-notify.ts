import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';

/** The channel every append notifies on (LISTEN/NOTIFY; PGlite has the same inside its process). */
export const AUDIT_APPENDED_CHANNEL = 'audit_appended';

/** What one notification says: this organization's chain head moved to `seq`. Never any event data. */
export type AuditAppended = { orgId: string; seq: number };

/**
 * Tells every listener (each app instance's live-tail hub) that these organizations' heads moved, in ONE
 * statement per appending transaction: PostgreSQL delivers the notifications only when `tx` commits, never for a
 * rolled-back append. Payload `<org id>:<head seq>` per organization. Transaction: the caller's (the append's).
 */
export async function notifyAuditAppended(tx: Tx, heads: readonly AuditAppended[]): Promise<void> {
  if (heads.length === 0) return;
  const payloads = JSON.stringify(heads.map((h) => `${h.orgId}:${h.seq}`));
  await tx.execute(sql`select pg_notify(${AUDIT_APPENDED_CHANNEL}, p) from json_array_elements_text(${payloads}::text::json) as t(p)`);
}

/** A notification's payload read back; null for anything else (a stray NOTIFY on the channel). */
export function parseAuditAppended(payload: string): AuditAppended | null {
  const match = /^([0-9a-f-]{36}):(\d{1,15})$/i.exec(payload);
  return match ? { orgId: match[1]!.toLowerCase(), seq: Number(match[2]) } : null;
}
