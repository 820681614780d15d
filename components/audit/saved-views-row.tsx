'use client';

import { ViewLink } from './view-pending';
import { useActionState, useEffect, useRef, useState } from 'react';
import { deleteSavedViewAction, renameSavedViewAction, shareSavedViewAction } from '@/app/(admin)/audit/saved-views-actions';
import { ActionMessage } from '@/components/admin/action-message';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import type { SavedViewListItem } from '@/db/queries/saved-views';

type Result = Awaited<ReturnType<typeof renameSavedViewAction>>;

const rowButton = 'h-7 px-2';

/** One saved view: a link to open it, and the changes this user may make to it (each an audited action). */
export function SavedViewsRow({
  view,
  current,
  canChange,
  canShare,
  onOpen,
  onRemoved,
}: {
  view: SavedViewListItem;
  current: boolean;
  canChange: boolean;
  canShare: boolean;
  onOpen: () => void;
  onRemoved: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(view.name);
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const [renameState, rename, renaming] = useActionState(async (prev: Result | null, form: FormData) => {
    const result = await renameSavedViewAction(prev, form);
    if (result.ok) setEditing(false);
    return result;
  }, null);
  const [shareState, share, sharing] = useActionState(shareSavedViewAction, null);
  const [deleteState, remove, removing] = useActionState(async (prev: Result | null, form: FormData) => {
    const result = await deleteSavedViewAction(prev, form);
    if (result.ok) onRemoved();
    return result;
  }, null);

  // Leaving the inline editor puts focus back on "Rename", not on the page body.
  useEffect(() => {
    if (wasEditing.current && !editing) renameButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const startEditing = () => {
    setDraft(view.name);
    setEditing(true);
  };
  const owner = view.mine ? (view.shared ? 'Yours · shared' : 'Yours · private') : `Shared by ${view.ownerEmail}`;

  return (
    <li className="rounded-md px-2 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60">
      {editing ? (
        <form action={rename} data-saved-view-editor className="flex items-center gap-1.5">
          <input type="hidden" name="viewId" value={view.id} />
          <label htmlFor={`rename-${view.id}`} className="sr-only">
            New name for {view.name}
          </label>
          <Input
            id={`rename-${view.id}`}
            name="name"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(false);
            }}
            required
            maxLength={80}
            autoFocus
            aria-invalid={Boolean(renameState && !renameState.ok && renameState.fieldErrors?.name)}
            className="h-8"
          />
          <Button type="submit" size="sm" className={rowButton} disabled={renaming}>
            {renaming ? 'Saving…' : 'Save'}
          </Button>
          <Button type="button" size="sm" variant="ghost" className={rowButton} onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </form>
      ) : (
        <div className="flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <ViewLink
              href={`/audit${view.query}`}
              onClick={onOpen}
              aria-current={current ? 'true' : undefined}
              className="block rounded-sm text-sm font-medium break-words text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:text-zinc-100"
            >
              {current ? (
                <span aria-hidden className="mr-1 text-sky-600 dark:text-sky-400">
                  ✓
                </span>
              ) : null}
              {view.name}
              {current ? <span className="sr-only"> (current view)</span> : null}
            </ViewLink>
            <p className="text-xs break-words text-zinc-600 dark:text-zinc-400">{owner}</p>
          </div>
          <div className="flex shrink-0 items-center">
            {canChange ? (
              <Button
                ref={renameButton}
                type="button"
                size="sm"
                variant="ghost"
                className={rowButton}
                onClick={startEditing}
                aria-label={`Rename ${view.name}`}
              >
                Rename
              </Button>
            ) : null}
            {canShare ? (
              <form action={share}>
                <input type="hidden" name="viewId" value={view.id} />
                <input type="hidden" name="shared" value={view.shared ? 'false' : 'true'} />
                <Button
                  type="submit"
                  size="sm"
                  variant="ghost"
                  className={rowButton}
                  disabled={sharing}
                  aria-label={view.shared ? `Stop sharing ${view.name}` : `Share ${view.name} with the organization`}
                >
                  {view.shared ? 'Unshare' : 'Share'}
                </Button>
              </form>
            ) : null}
            {canChange ? (
              <form
                action={remove}
                onSubmit={(e) => {
                  const audience = view.shared ? ' It is shared, so it disappears for everyone in the organization.' : '';
                  if (!confirm(`Delete the saved view "${view.name}"?${audience}`)) e.preventDefault();
                }}
              >
                <input type="hidden" name="viewId" value={view.id} />
                <Button
                  type="submit"
                  size="sm"
                  variant="ghost"
                  className={`${rowButton} text-red-700 dark:text-red-400`}
                  disabled={removing}
                  aria-label={`Delete ${view.name}`}
                >
                  Delete
                </Button>
              </form>
            ) : null}
          </div>
        </div>
      )}
      <ActionMessage state={renameState?.ok ? null : renameState} />
      <ActionMessage state={shareState?.ok ? null : shareState} />
      <ActionMessage state={deleteState?.ok ? null : deleteState} />
    </li>
  );
}
