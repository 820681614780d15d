'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { hrefWith, type AuditViewState } from '@/lib/audit/search-params';

/** Navigates to the same view with some state changed (a server render with the new URL). */
export function useViewNavigation(state: AuditViewState) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const go = (patch: Partial<AuditViewState>) => startTransition(() => router.push(hrefWith(state, patch), { scroll: false }));
  const goFilters = (patch: Partial<AuditViewState['filters']>) => go({ filters: { ...state.filters, ...patch } });
  return { go, goFilters, pending };
}
