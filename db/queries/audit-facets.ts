import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';

/** One filter option: a facet (`action`, `type`, `actor`, …) and a value recorded for it. */
export type FacetValue = { facet: string; value: string };

/**
 * Adds the organization's facet values that are not stored yet and returns the ones this call inserted (the
 * others were there already, committed). Lock: the caller holds the organization's chain head, so no two
 * transactions insert one organization's values at once (no waits on each other's uncommitted rows).
 * Tenancy: `orgId` only.
 */
export async function insertFacetValues(tx: Tx, orgId: string, values: readonly FacetValue[]): Promise<FacetValue[]> {
  if (values.length === 0) return [];
  const result = await tx.execute(sql`
    insert into audit_facets (org_id, facet, value)
    select ${orgId}::uuid, r.facet, r.value from json_to_recordset(${JSON.stringify(values)}::text::json) as r(facet text, value text)
    on conflict do nothing
    returning facet, value`);
  return rowsOf<FacetValue>(result);
}
