import { homePathFor, NAV_ITEMS } from '@/components/layout/nav-items';
import { hasPermission, type Role } from '@/lib/auth/roles';
import { withFilter, type FilterKey } from '@/lib/view/filters';
import { parseAuditSearchParams, serializeAuditSearchParams } from '@/lib/view/search-params';

/** Filters that name one organization's records (ids): meaningless in another organization, so a switch drops them. */
const ORG_SPECIFIC_FILTERS: readonly FilterKey[] = ['actorId', 'objectId', 'eventId', 'requestId'];

/**
 * Where switching to an organization (with `role` there) lands, given the page the user was on: the same page when
 * the role may open it, and on the audit log the same view minus what names the old organization's records (ids, the
 * open event, the page position). Anything else, or anything that is not a same-site path, lands on the role's home.
 */
export function pathAfterOrgSwitch(returnTo: string, role: Role): string {
  const home = homePathFor(role);
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.includes('\\')) return home;
  let url: URL;
  try {
    url = new URL(returnTo, 'http://local.invalid');
  } catch {
    return home;
  }
  const page = NAV_ITEMS.find((i) => i.href === url.pathname);
  if (!page || (page.permission !== null && !hasPermission(role, page.permission))) return home;
  if (page.href !== '/audit') return page.href;
  const { state } = parseAuditSearchParams(url.searchParams);
  let filters = state.filters;
  for (const key of ORG_SPECIFIC_FILTERS) filters = withFilter(filters, key, []);
  return `/audit${serializeAuditSearchParams({ ...state, filters, after: null, before: null, event: null })}`;
}
