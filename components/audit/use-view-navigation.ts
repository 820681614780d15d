'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { hrefWith, type AuditViewState } from '@/lib/view/search-params';

/**
 * Navigates to the same view with some state changed (a server render with the new URL). `optimistic`
 * runs inside the same transition, so controls can show the new value while the page loads.
 */
export function useViewNavigation(state: AuditViewState) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const go = (patch: Partial<AuditViewState>, optimistic?: () => void) =>
    startTransition(() => {
      optimistic?.();
      router.push(hrefWith(state, patch), { scroll: false });
    });
  const goFilters = (patch: Partial<AuditViewState['filters']>, optimistic?: () => void) => go({ filters: { ...state.filters, ...patch } }, optimistic);
  return { go, goFilters, pending };
}
