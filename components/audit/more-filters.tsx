'use client';

import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import type { AuditViewState } from '@/lib/view/search-params';
import { cn } from '@/lib/utils';
import { useViewNavigation } from './use-view-navigation';

const FIELDS = [
  { name: 'objectId', label: 'Object id (record primary key)', placeholder: 'flo_4fed5763c9' },
  { name: 'eventId', label: 'Event id', placeholder: '019a…' },
  { name: 'requestId', label: 'Request id', placeholder: 'req_…' },
  { name: 'ip', label: 'IP address or CIDR range', placeholder: '10.0.0.0/8 or 2001:db8::/32' },
  { name: 'field', label: 'Changed field', placeholder: 'role or limits.rate' },
] as const;

/** Exact-match filters: object, event and request ids, IP/CIDR and changed field. Validated by the server. */
export function MoreFilters({ state }: { state: AuditViewState }) {
  const { goFilters } = useViewNavigation(state);
  const f = state.filters;
  const values = { objectId: f.objectId ?? '', eventId: f.eventId ?? '', requestId: f.requestId ?? '', ip: f.ip ?? '', field: f.fields.join(',') };
  const active = [f.objectId, f.eventId, f.requestId, f.ip].filter(Boolean).length + f.fields.length;
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="outline" size="sm" className={cn(active > 0 && 'border-sky-500 bg-sky-50 dark:border-sky-600 dark:bg-sky-950')}>
          More filters
          {active > 0 ? <span className="rounded-full bg-sky-600 px-1.5 text-[10px] text-white">{active}</span> : null}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={4} className="z-50 w-80 rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              const get = (k: string) => String(data.get(k) ?? '').trim() || null;
              // Sent as typed: the server validates (a bad IP or id comes back as a clear notice, not a crash).
              goFilters({
                objectId: get('objectId'),
                eventId: get('eventId'),
                requestId: get('requestId'),
                ip: get('ip'),
                fields: (get('field') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
              });
            }}
          >
            {FIELDS.map((field) => (
              <div key={field.name} className="space-y-1">
                <Label htmlFor={`more-${field.name}`} className="text-xs">
                  {field.label}
                </Label>
                <Input id={`more-${field.name}`} name={field.name} defaultValue={values[field.name]} placeholder={field.placeholder} className="h-8" />
              </div>
            ))}
            <Button type="submit" size="sm" className="w-full">
              Apply
            </Button>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
