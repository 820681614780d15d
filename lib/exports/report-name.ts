import 'server-only';
import type { DbOrTx } from '@/db/client';
import { listSavedViews } from '@/db/queries/saved-views';
import { isUuid } from '@/lib/ids';
import { parseAuditSearchParams, type AuditViewState } from '@/lib/view/search-params';
import { exportFiltersQuery } from './export-stream';

/** The report name when nothing more specific is known. */
export const DEFAULT_REPORT_NAME = 'Audit log export';

/** What a view exports: its filters and sort, in the zone switch's neutral position. */
const meaning = (state: AuditViewState) => exportFiltersQuery({ ...state, tz: 'local' });

/**
 * The report's name: the saved view's name when the exported view is one the user can see (theirs first, then
 * one shared with the organization) with the same filters and sort, else the default. Tenancy: `orgId` only.
 */
export async function reportNameFor(db: DbOrTx, orgId: string, userId: string, state: AuditViewState): Promise<string> {
  // Saved views belong to accounts (uuid ids); any other principal has none.
  if (!isUuid(userId)) return DEFAULT_REPORT_NAME;
  const target = meaning(state);
  const views = await listSavedViews(db, orgId, userId);
  const matching = views.filter((v) => meaning(parseAuditSearchParams(new URLSearchParams(v.query)).state) === target);
  return (matching.find((v) => v.mine) ?? matching[0])?.name ?? DEFAULT_REPORT_NAME;
}
