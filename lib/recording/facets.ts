import type { Tx } from '@/db/client';
import { insertFacetValues, type FacetValue } from '@/db/queries/audit-facets';
import type { CopyRowFields } from '@/db/queries/audit-event-copy';

/** Each filter option a row offers: the facet names listFacetOptions reads (db/vocabulary/filters.ts). */
function facetValuesOf(r: CopyRowFields, into: Map<string, FacetValue>): void {
  const add = (facet: string, value: string | null | undefined) => {
    if (value === null || value === undefined || value === '') return;
    const key = `${facet}\u0000${value}`;
    if (!into.has(key)) into.set(key, { facet, value });
  };
  add('action', r.action);
  add('type', r.objectType);
  add('actor', r.actorLabel);
  add('module', r.module);
  add('project', r.project);
  add('source', r.source);
  add('result', r.result);
}

// Values known to be stored (committed) per organization: this process's memory only spares statements; a value
// missing here is upserted again (ON CONFLICT DO NOTHING), so correctness never depends on it.
const MAX_KNOWN = 50_000;
const known = new Map<string, Set<string>>();
let knownCount = 0;

function remember(orgId: string, keys: string[]): void {
  if (knownCount + keys.length > MAX_KNOWN) {
    known.clear();
    knownCount = 0;
  }
  let set = known.get(orgId);
  if (!set) known.set(orgId, (set = new Set()));
  for (const k of keys) {
    if (set.has(k)) continue;
    set.add(k);
    knownCount++;
  }
}

/**
 * Stores the filter options `rows` bring that the organization did not have: a statement only when a value is
 * not known to be stored already. A value this transaction inserts is remembered only once a later append finds
 * it stored (it could still roll back). Lock: the caller holds the organization's chain head. Tenancy: `orgId`.
 */
export async function recordNewFacets(tx: Tx, orgId: string, rows: readonly CopyRowFields[]): Promise<void> {
  const all = new Map<string, FacetValue>();
  for (const r of rows) facetValuesOf(r, all);
  const seen = known.get(orgId);
  const unseen = seen ? [...all].filter(([k]) => !seen.has(k)) : [...all];
  if (unseen.length === 0) return;
  const inserted = new Set(
    (
      await insertFacetValues(
        tx,
        orgId,
        unseen.map(([, v]) => v),
      )
    ).map((v) => `${v.facet}\u0000${v.value}`),
  );
  remember(
    orgId,
    unseen.map(([k]) => k).filter((k) => !inserted.has(k)),
  );
}
