'use client';

import { hrefWith, type AuditViewState } from '@/lib/view/search-params';
import { useViewPush } from './view-pending';

/**
 * Navigates to the same view with some state changed (a server render with the new URL). `optimistic`
 * runs inside the same (shared) transition, so controls can show the new value while the page loads.
 */
export function useViewNavigation(state: AuditViewState) {
  const { push, pending } = useViewPush();
  const go = (patch: Partial<AuditViewState>, optimistic?: () => void) => push(hrefWith(state, patch), optimistic);
  const goFilters = (patch: Partial<AuditViewState['filters']>, optimistic?: () => void) => go({ filters: { ...state.filters, ...patch } }, optimistic);
  return { go, goFilters, pending };
}
