/**
 * THE formula guard (OWASP "CSV injection"), for every export that a spreadsheet may open: a text cell that
 * starts with a trigger gets a leading single quote, so Excel, LibreOffice and Sheets show it as text, never
 * run it. The string writers (CSV rows, Excel) and the byte writers (CSV from COPY, the changes cell) all ask
 * isFormulaTrigger, so the rule is spelled once.
 */

/** The character put in front of a guarded cell: `'`, as a byte for the byte-level writers. */
export const FORMULA_GUARD = 39;

/**
 * Whether a cell starting with this char code is taken for a formula (or a DDE payload) when typed or
 * imported: = + - @ tab CR.
 */
export function isFormulaTrigger(code: number): boolean {
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13;
}

/** Whether `value` starts with a formula trigger. */
export function startsWithFormulaTrigger(value: string): boolean {
  return isFormulaTrigger(value.charCodeAt(0));
}

/** `value`, guarded: a leading `'` when it starts with a trigger. */
export function neutraliseFormula(value: string): string {
  return startsWithFormulaTrigger(value) ? `'${value}` : value;
}
