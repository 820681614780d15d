'use client';

import { useState, type ReactNode } from 'react';
import { Dialog } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { returnFocusToRow } from './return-focus';
import { useViewPush } from './view-pending';

type EventDetailSheetProps = {
  title: ReactNode;
  description: ReactNode;
  /** Where closing goes: the same view without `event`, so the URL alone decides whether the sheet is open. */
  closeHref: string;
  /** The event shown: closing returns the focus to its row when the row is on the page. */
  eventId?: string;
  children?: ReactNode;
};

/** Right-side sheet on Radix Dialog (the full screen on a phone), open on mount; Esc, an overlay click or the close button navigate to `closeHref`. */
export function EventDetailSheet({ title, description, closeHref, eventId, children }: EventDetailSheetProps) {
  const { push } = useViewPush();
  // Closes at once rather than after the server round trip that drops `event` from the page.
  const [open, setOpen] = useState(true);

  function onOpenChange(next: boolean) {
    if (next) return;
    setOpen(false);
    push(closeHref);
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 dark:bg-black/60" />
        <Dialog.Content
          onCloseAutoFocus={(e) => {
            // The element focused before the sheet opened may be gone (the sheet can open from a link); the row stays.
            e.preventDefault();
            returnFocusToRow(eventId);
          }}
          className="fixed inset-y-0 right-0 z-50 flex w-full max-w-3xl flex-col border-zinc-200 sm:border-l bg-white text-zinc-900 shadow-2xl outline-none dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
        >
          <header className="flex items-start gap-3 border-b border-zinc-200 px-4 py-3 sm:gap-4 sm:px-6 sm:py-4 dark:border-zinc-800">
            <div className="min-w-0 flex-1 space-y-2">
              <Dialog.Title className="text-lg leading-snug font-semibold break-words">{title}</Dialog.Title>
              <Dialog.Description asChild>
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>
              </Dialog.Description>
            </div>
            <Dialog.Close asChild>
              <Button variant="ghost" size="sm" aria-label="Close event details" className="-mr-2 size-9 shrink-0 p-0">
                <span aria-hidden="true" className="text-lg leading-none">
                  ×
                </span>
              </Button>
            </Dialog.Close>
          </header>
          <div className="min-h-0 flex-1 overflow-y-auto px-4 py-4 sm:px-6 sm:py-5">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
