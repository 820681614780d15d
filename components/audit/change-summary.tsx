import type { AuditListRow } from '@/db/queries/audit-events';

const MAX = 3;

function show(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** The first few field changes of an entry as `field: old → new` lines. */
export function ChangeSummary({ changes }: { changes: AuditListRow['changes'] }) {
  if (!changes?.length) return null;
  // A create or delete lists every field against nothing; the message already says what happened.
  if (changes.every((c) => c.before === null) || changes.every((c) => c.after === null)) return null;
  return (
    <ul className="mt-1 space-y-0.5 font-mono text-[11px] text-zinc-500 dark:text-zinc-400" aria-label="Changed fields">
      {changes.slice(0, MAX).map((c) => (
        <li key={c.path} className="truncate">
          <span className="text-zinc-700 dark:text-zinc-300">{c.path}</span>: {show(c.before)} → {show(c.after)}
        </li>
      ))}
      {changes.length > MAX ? <li>+{changes.length - MAX} more</li> : null}
    </ul>
  );
}

/** Every field change as `field: old → new` lines (the Changes column): creates and deletes too, cut on screen, whole on hover. */
export function ChangeList({ changes }: { changes: AuditListRow['changes'] }) {
  if (!changes?.length) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <ul className="space-y-0.5 font-mono text-[11px]" aria-label="Changes">
      {changes.slice(0, MAX).map((c) => {
        const text = `${c.path}: ${show(c.before)} → ${show(c.after)}`;
        return (
          <li key={c.path} className="truncate" title={text}>
            <span className="text-zinc-900 dark:text-zinc-100">{c.path}</span>
            <span className="text-zinc-600 dark:text-zinc-400">
              : {show(c.before)} → {show(c.after)}
            </span>
          </li>
        );
      })}
      {changes.length > MAX ? <li className="text-zinc-600 dark:text-zinc-400">+{changes.length - MAX} more</li> : null}
    </ul>
  );
}
