import type { FieldChange } from '@/db/schema/audit-events';

/** JSON with a space after each comma and colon (still valid JSON): lets a PDF cell wrap long values. */
function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${spacedJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** A changed value as an auditor reads it: JSON (strings quoted, so "" and null differ), "(none)" when absent. */
function showValue(value: unknown, spaced: boolean): string {
  if (value === undefined) return '(none)';
  return spaced ? spacedJson(value) : JSON.stringify(value);
}

const line = (c: FieldChange, spaced: boolean) => `${c.path}: ${showValue(c.before, spaced)} -> ${showValue(c.after, spaced)}`;

/** Field changes as `field: old -> new` lines, every change, nothing truncated. */
export function changesText(changes: readonly FieldChange[] | null | undefined, opts?: { spaced?: boolean }): string {
  const spaced = opts?.spaced ?? false;
  if (!Array.isArray(changes)) return (changes ?? []).map((c) => line(c, spaced)).join('\n');
  let text = '';
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    text += i === 0 ? line(c, spaced) : `\n${line(c, spaced)}`;
  }
  return text;
}
