import Link from 'next/link';
import { FACET_LABELS, FACETS } from '@/lib/view/filters';
import { hrefWith, type AuditViewState } from '@/lib/view/search-params';

/** The active filters as removable chips (each chip is a link to the view without it). */
export function ActiveFilters({ state }: { state: AuditViewState }) {
  const f = state.filters;
  const chips: { label: string; href: string }[] = [];
  const without = (patch: Partial<AuditViewState['filters']>) => hrefWith(state, { filters: { ...f, ...patch } });
  for (const facet of FACETS) {
    for (const v of f.include[facet]) chips.push({ label: `${FACET_LABELS[facet]}: ${v}`, href: without({ include: { ...f.include, [facet]: f.include[facet].filter((x) => x !== v) } }) });
    for (const v of f.exclude[facet]) chips.push({ label: `${FACET_LABELS[facet]} is not ${v}`, href: without({ exclude: { ...f.exclude, [facet]: f.exclude[facet].filter((x) => x !== v) } }) });
  }
  if (f.objectId) chips.push({ label: `Object id: ${f.objectId}`, href: without({ objectId: null }) });
  if (f.eventId) chips.push({ label: `Event id: ${f.eventId}`, href: without({ eventId: null }) });
  if (f.requestId) chips.push({ label: `Request id: ${f.requestId}`, href: without({ requestId: null }) });
  if (f.ip) chips.push({ label: `IP in ${f.ip}`, href: without({ ip: null }) });
  for (const v of f.fields) chips.push({ label: `Changed field: ${v}`, href: without({ fields: f.fields.filter((x) => x !== v) }) });
  for (const v of f.text) chips.push({ label: `Text: “${v}”`, href: without({ text: f.text.filter((x) => x !== v) }) });
  if (chips.length === 0) return null;
  return (
    <ul className="flex flex-wrap items-center gap-1.5" aria-label="Active filters">
      {chips.map((c) => (
        <li key={c.label}>
          <Link href={c.href} scroll={false} className="inline-flex items-center gap-1 rounded-full border border-sky-200 bg-sky-50 px-2.5 py-0.5 text-xs text-sky-900 hover:bg-sky-100 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100" aria-label={`Remove filter ${c.label}`}>
            {c.label}
            <span aria-hidden>×</span>
          </Link>
        </li>
      ))}
      <li>
        <Link href={hrefWith(state, { filters: { ...f, include: { ...f.include, ...Object.fromEntries(FACETS.map((k) => [k, []])) }, exclude: { ...f.exclude, ...Object.fromEntries(FACETS.map((k) => [k, []])) }, objectId: null, eventId: null, requestId: null, ip: null, fields: [], text: [] } })} scroll={false} className="text-xs text-zinc-500 underline hover:text-zinc-900 dark:hover:text-white">
          Clear all
        </Link>
      </li>
    </ul>
  );
}
