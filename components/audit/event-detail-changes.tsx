import type { FieldChange } from '@/db/schema/audit-events';
import { Badge } from '@/components/ui/badge';
import { REDACTED } from '@/lib/recording/redact';

const REDACTED_JSON = JSON.stringify(REDACTED);

function RedactedBadge({ partly = false }: { partly?: boolean }) {
  return (
    <Badge
      className="border border-amber-300 bg-amber-50 font-sans text-amber-800 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
      title="The value of a secret-looking field is never stored; the entry only records that it was there or changed."
    >
      {partly ? 'partly redacted' : 'redacted'}
    </Badge>
  );
}

/** One side of a change: JSON text, with the redaction made visible rather than shown as a plain string. */
function ChangeValue({ value, side }: { value: unknown; side: 'old' | 'new' }) {
  const tone = side === 'old' ? 'text-red-700 dark:text-red-300' : 'text-emerald-700 dark:text-emerald-300';
  if (value === REDACTED) return <RedactedBadge />;
  const text = JSON.stringify(value) ?? 'null';
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span className={`break-all whitespace-pre-wrap ${tone}`}>{text}</span>
      {text.includes(REDACTED_JSON) ? <RedactedBadge partly /> : null}
    </span>
  );
}

/** Every field-level change of an entry as `field: old -> new` lines; redacted values keep their line. */
export function EventDetailChanges({ changes }: { changes: FieldChange[] | null }) {
  if (!changes?.length) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No field changes recorded.</p>;
  return (
    <ul
      className="divide-y divide-zinc-100 rounded-md border border-zinc-200 font-mono text-xs dark:divide-zinc-800 dark:border-zinc-800"
      aria-label="Field changes"
    >
      {changes.map((c, i) => (
        <li key={`${i}:${c.path}`} className="flex flex-wrap items-center gap-x-2 gap-y-1 px-3 py-2">
          <span className="font-semibold text-zinc-800 dark:text-zinc-200">{c.path}:</span>
          <ChangeValue value={c.before} side="old" />
          <span aria-hidden="true" className="text-zinc-400">
            →
          </span>
          <span className="sr-only">changed to</span>
          <ChangeValue value={c.after} side="new" />
        </li>
      ))}
    </ul>
  );
}
