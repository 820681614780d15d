import { CSV_BOM } from './csv';

const SPECIAL = /[",\r\n]/g;

/**
 * Reads RFC 4180 text back into records (the inverse of csv.ts's quoting, not of its formula guard): fields
 * separated by commas, records by CRLF or LF, quoted fields may hold commas, quotes (doubled) and line breaks. A
 * leading byte order mark is dropped. For the export verifier, which checks a CSV against its proof; runs of plain
 * text are sliced, not copied a character at a time (exports run to millions of rows).
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith(CSV_BOM) ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
  };
  while (i < text.length) {
    if (quoted) {
      const q = text.indexOf('"', i);
      if (q < 0) {
        field += text.slice(i);
        break;
      }
      field += text.slice(i, q);
      if (text[q + 1] === '"') {
        field += '"';
        i = q + 2;
      } else {
        quoted = false;
        i = q + 1;
      }
      continue;
    }
    SPECIAL.lastIndex = i;
    const m = SPECIAL.exec(text);
    const at = m ? m.index : text.length;
    field += text.slice(i, at);
    if (!m) break;
    const c = m[0];
    i = at + 1;
    if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') endRecord();
    else if (text[i] === '\n') {
      endRecord();
      i += 1;
    } else field += c; // a lone CR is text
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
