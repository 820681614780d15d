/**
 * Neutralises spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with a
 * trigger gets a leading single quote, so Excel, LibreOffice and Sheets show it as text, never run it.
 */
export function neutraliseFormula(value: string): string {
  return startsWithFormulaTrigger(value) ? `'${value}` : value;
}

/**
 * Whether `value` starts with a character that makes a spreadsheet treat a typed or imported cell as a
 * formula (or a DDE payload): = + - @ tab CR. By char code, since exports ask it for every cell.
 */
export function startsWithFormulaTrigger(value: string): boolean {
  switch (value.charCodeAt(0)) {
    case 61: // =
    case 43: // +
    case 45: // -
    case 64: // @
    case 9: // tab
    case 13: // CR
      return true;
    default:
      return false;
  }
}
