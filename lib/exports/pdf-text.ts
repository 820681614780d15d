/** Longest unbroken token a PDF cell shows whole (a UUID is 36); react-pdf only wraps at spaces otherwise. */
export const PDF_MAX_WORD = 40;

/**
 * react-pdf's hyphenation callback: words up to PDF_MAX_WORD stay whole (no "organ-ization" in a search);
 * longer tokens (URLs, long ids) may break after a separator or every PDF_MAX_WORD characters, so they
 * wrap inside their cell instead of running over the next one.
 */
export function splitLongWord(word: string): string[] {
  if (word.length <= PDF_MAX_WORD) return [word];
  const parts = word.split(/(?<=[@./_:,;=&?-])/u);
  return parts.flatMap((part) => (part.length <= PDF_MAX_WORD ? [part] : (part.match(new RegExp(`.{1,${PDF_MAX_WORD}}`, 'gu')) ?? [part])));
}

/** At most `maxLines` lines and `maxChars` characters, saying what was left out (CSV and Excel have it all). */
export function clip(text: string, maxLines: number, maxChars: number): string {
  let lines = text.split('\n');
  let note = '';
  if (lines.length > maxLines) {
    note = `… ${lines.length - maxLines + 1} more lines (see CSV or Excel)`;
    lines = lines.slice(0, maxLines - 1);
  }
  let out = lines.join('\n');
  if (out.length > maxChars) out = `${out.slice(0, maxChars - 1)}…`;
  return note ? `${out}\n${note}` : out;
}
