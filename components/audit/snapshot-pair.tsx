/** Compact JSON of a snapshot on one line ("∅" when there is none). */
function compact(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return JSON.stringify(value);
}

/** The "Before / after" column: each snapshot on a line of its own, cut on screen, whole on hover (the detail shows the diff). */
export function SnapshotPair({ before, after }: { before: unknown; after: unknown }) {
  if ((before === null || before === undefined) && (after === null || after === undefined)) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-1.5 font-mono text-[11px]">
      <dt className="text-zinc-600 dark:text-zinc-400">before</dt>
      <dd className="truncate" title={compact(before)}>
        {compact(before)}
      </dd>
      <dt className="text-zinc-600 dark:text-zinc-400">after</dt>
      <dd className="truncate" title={compact(after)}>
        {compact(after)}
      </dd>
    </dl>
  );
}
