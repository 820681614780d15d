'use client';

import { useRef, useState } from 'react';
import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import type { SavedViewListItem } from '@/db/queries/saved-views';
import { hrefWith, parseAuditSearchParams } from '@/lib/view/search-params';
import { SavedViewsRow } from './saved-views-row';
import { SavedViewsSaveForm } from './saved-views-save-form';

export type SavedViewsProps = {
  /** listSavedViews for the signed-in user: their own views and those shared with the organization. */
  views: SavedViewListItem[];
  /** The current view's canonical query string ('' for the default view). */
  currentQuery: string;
  /** views:save: may save views and change their own. */
  canSave: boolean;
  /** views:manage: may also rename and delete views others shared. */
  canManageShared: boolean;
};

/** Toolbar control: open, save, rename, share and delete named views of the audit log. */
export function SavedViews({ views, currentQuery, canSave, canManageShared }: SavedViewsProps) {
  const [open, setOpen] = useState(false);
  const content = useRef<HTMLDivElement>(null);
  // Compare as the server stores views: without page position or open event.
  const current = hrefWith(parseAuditSearchParams(new URLSearchParams(currentQuery)).state, {}, '');
  const active = views.find((v) => v.query === current);

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <Button variant="outline" size="sm" className="max-w-80" title={active ? `Saved views · current: ${active.name}` : undefined}>
          Saved views
          {/* The full name is in the tooltip and, wrapped, in the list this opens. */}
          {active ? <span className="truncate font-normal text-zinc-600 dark:text-zinc-400">· {active.name}</span> : null}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          ref={content}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          // Escape inside the rename box cancels the rename only, not the whole popover.
          onEscapeKeyDown={(e) => {
            if (e.target instanceof Element && e.target.closest('[data-saved-view-editor]')) e.preventDefault();
          }}
          className="z-50 w-[22rem] max-w-[calc(100vw-1rem)] space-y-2 rounded-lg border border-zinc-200 bg-white p-2 text-zinc-900 shadow-lg outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <Popover.Title className="px-2 pt-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Saved views</Popover.Title>
          {views.length === 0 ? (
            <p className="px-2 py-2 text-sm text-zinc-500 dark:text-zinc-400">
              No saved views yet.{canSave ? ' Name this view below to come back to it.' : ''}
            </p>
          ) : (
            <ul className="max-h-72 space-y-0.5 overflow-y-auto" aria-label="Saved views">
              {views.map((view) => (
                <SavedViewsRow
                  key={view.id}
                  view={view}
                  current={view.query === current}
                  canChange={view.mine ? canSave : view.shared && canManageShared}
                  canShare={view.mine && canSave}
                  onOpen={() => setOpen(false)}
                  onRemoved={() => content.current?.focus()}
                />
              ))}
            </ul>
          )}
          {canSave ? <SavedViewsSaveForm query={currentQuery} /> : null}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
