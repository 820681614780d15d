import type { Tx } from '@/db/client';
import { insertFacetValues, type FacetValue } from '@/db/queries/audit-facets';
import type { CopyRowFields } from '@/db/queries/audit-event-copy';

type FacetSource = readonly [facet: string, get: (r: CopyRowFields) => string | null | undefined];

/** Each filter option a row offers: the facet names listFacetOptions reads (db/vocabulary/filters.ts). */
const FACETS: readonly FacetSource[] = [
  ['action', (r) => r.action],
  ['type', (r) => r.objectType],
  ['actor', (r) => r.actorLabel],
  ['module', (r) => r.module],
  ['project', (r) => r.project],
  ['source', (r) => r.source],
  ['result', (r) => r.result],
];

/**
 * The distinct non-empty facet values of `rows`, facet by facet. Runs under the chain-head lock for every stored
 * row, so nothing is allocated per row (values repeat: a batch brings a few distinct ones).
 */
function distinctFacetValues(rows: readonly CopyRowFields[]): FacetValue[] {
  const out: FacetValue[] = [];
  for (const [facet, get] of FACETS) {
    const seen = new Set<string>();
    for (const r of rows) {
      const value = get(r);
      if (value === null || value === undefined || value === '' || seen.has(value)) continue;
      seen.add(value);
      out.push({ facet, value });
    }
  }
  return out;
}

const facetKey = (v: FacetValue) => `${v.facet}\u0000${v.value}`;

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
  const seen = known.get(orgId);
  const unseen = distinctFacetValues(rows).filter((v) => !seen?.has(facetKey(v)));
  if (unseen.length === 0) return;
  const inserted = new Set((await insertFacetValues(tx, orgId, unseen)).map(facetKey));
  remember(
    orgId,
    unseen.map(facetKey).filter((k) => !inserted.has(k)),
  );
}
