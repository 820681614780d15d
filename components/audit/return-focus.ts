/**
 * Where the focus goes back when the detail closes: the link of the row that opened it. Closing navigates, and the
 * table renders its cells anew for the new URL, so the focus is put on the row at once and again once the rows of
 * the new render are in (AuditTable calls restoreRowFocus after each render).
 */
let pendingEventId: string | null = null;

const rowLink = (eventId: string) => document.querySelector<HTMLElement>(`tr[data-event-id="${CSS.escape(eventId)}"] a[href]`);

/** Focuses the row of `eventId` (else the page's main region) and remembers it until the table has re-rendered. */
export function returnFocusToRow(eventId: string | undefined) {
  pendingEventId = eventId ?? null;
  const target = (eventId ? rowLink(eventId) : null) ?? document.getElementById('main');
  target?.focus();
}

/**
 * After a table render: once the render is for the closed detail's URL (`openEvent` null), puts the focus back on the
 * remembered row if it lost it (its link was rendered anew). Renders while the old URL is still shown do nothing.
 */
export function restoreRowFocus(openEvent: string | null) {
  if (!pendingEventId || openEvent !== null) return;
  const link = rowLink(pendingEventId);
  if (!link) return;
  if (document.activeElement !== link) link.focus();
  pendingEventId = null;
}
