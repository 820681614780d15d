import type { ExportFullRow, ExportTableRow } from '@/db/queries/audit-export-rows';
import { changesText } from './changes-text';
import { createZoneFormatter, type ZoneFormatter } from './time';

// The rows' columns are read in db/queries/audit-export-rows.ts; these are the files' columns made from them.
export type { ExportFullRow, ExportTableRow };

export const TABLE_COLUMN_KEYS = [
  'iso',
  'local',
  'actor',
  'actorType',
  'ip',
  'action',
  'objectType',
  'objectId',
  'objectLabel',
  'message',
  'changes',
  'result',
  'error',
  'source',
  'requestId',
  'eventId',
  'seq',
  'prevHash',
  'hash',
] as const;
export type TableColumnKey = (typeof TABLE_COLUMN_KEYS)[number];

/** Header text per column; the two time columns name the zone they are in. Widths are Excel characters. */
export function tableColumns(zone: string): { key: TableColumnKey; header: string; width: number }[] {
  const headers: Record<TableColumnKey, [string, number]> = {
    iso: [`Time (ISO 8601 with ${zone} offset)`, 34],
    local: [`Time (${zone})`, 20],
    actor: ['User', 28],
    actorType: ['Actor type', 10],
    ip: ['IP', 18],
    action: ['Action', 14],
    objectType: ['Object type', 16],
    objectId: ['Object id', 24],
    objectLabel: ['Object label', 28],
    message: ['Message', 50],
    changes: ['Changes', 50],
    result: ['Result', 9],
    error: ['Error', 30],
    source: ['Source', 8],
    requestId: ['Request id', 38],
    eventId: ['Event id', 38],
    seq: ['Chain seq', 10],
    prevHash: ['Previous hash', 66],
    hash: ['Entry hash (SHA-256)', 66],
  };
  return TABLE_COLUMN_KEYS.map((key) => ({ key, header: headers[key][0], width: headers[key][1] }));
}

/** Each table column's text for one event (raw: quoting and formula guarding are the writers' job). */
const TABLE_CELL: Record<TableColumnKey, (row: ExportTableRow, time: ZoneFormatter) => string> = {
  iso: (row, time) => time.iso(row.occurredAt),
  local: (row, time) => time.local(row.occurredAt),
  actor: (row) => row.actorLabel,
  actorType: (row) => row.actorType,
  ip: (row) => row.ip ?? '',
  action: (row) => row.action,
  objectType: (row) => row.objectType,
  objectId: (row) => row.objectId ?? '',
  objectLabel: (row) => row.objectLabel ?? '',
  message: (row) => row.message,
  changes: (row) => changesText(row.changes),
  result: (row) => row.result,
  error: (row) => row.errorMessage ?? '',
  source: (row) => row.source,
  requestId: (row) => row.requestId ?? '',
  eventId: (row) => row.id,
  seq: (row) => String(row.seq),
  prevHash: (row) => row.prevHash,
  hash: (row) => row.hash,
};

/** The cell functions in TABLE_COLUMN_KEYS order, for writers that walk every row's columns. */
export const TABLE_CELL_FNS = TABLE_COLUMN_KEYS.map((k) => TABLE_CELL[k]);

/** One event as the table formats' text cells (raw: quoting and formula guarding are the writers' job). */
export function tableCells(row: ExportTableRow, zone: string | ZoneFormatter): Record<TableColumnKey, string> {
  const time = typeof zone === 'string' ? createZoneFormatter(zone) : zone;
  const cells = {} as Record<TableColumnKey, string>;
  for (const key of TABLE_COLUMN_KEYS) cells[key] = TABLE_CELL[key](row, time);
  return cells;
}
