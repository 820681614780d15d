import { CSV_BOM } from './csv';

/**
 * Reads RFC 4180 text back into records (the inverse of csv.ts's quoting, not of its formula guard): fields
 * separated by commas, records by CRLF or LF, quoted fields may hold commas, quotes (doubled) and line breaks. A
 * leading byte order mark is dropped. For the export verifier, which checks a CSV against its proof.
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
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') endRecord();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
