import { existsSync } from 'node:fs';
import { Font } from '@react-pdf/renderer';
import { splitLongWord } from './pdf-text';

/** TrueType fonts with wide Unicode coverage (accents, Greek, Cyrillic, Hebrew, Arabic, symbols), first found wins. */
const CANDIDATES = [
  { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf' },
  { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', bold: '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf' },
];

let family: string | undefined;

/**
 * The PDF's font family, registered once per process: a system TrueType font (Debian's fonts-dejavu)
 * when present, else the built-in Helvetica, which only covers Latin-1.
 */
export function pdfFontFamily(): string {
  if (family) return family;
  const found = CANDIDATES.find((c) => existsSync(c.regular) && existsSync(c.bold));
  if (found) {
    Font.register({ family: 'ExportSans', fonts: [{ src: found.regular }, { src: found.bold, fontWeight: 'bold' }] });
    family = 'ExportSans';
  } else {
    family = 'Helvetica';
  }
  // No dictionary hyphenation: an auditor searching the PDF for "organization" must not meet "organ-ization".
  Font.registerHyphenationCallback(splitLongWord);
  return family;
}
