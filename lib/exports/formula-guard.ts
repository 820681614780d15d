/** Characters that make a spreadsheet treat a typed or imported cell as a formula (or a DDE payload). */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Neutralises spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with a
 * trigger gets a leading single quote, so Excel, LibreOffice and Sheets show it as text, never run it.
 */
export function neutraliseFormula(value: string): string {
  return value.length > 0 && TRIGGERS.has(value[0]!) ? `'${value}` : value;
}
