import { isIPv4, isIPv6 } from 'node:net';
import type { StreamCheckpoint, StreamEvent } from '@/lib/streams/sink';
import { readEventFields } from './event-fields';
import { PRODUCT, type ProductInfo } from './product';

/** A CEF header field: backslash and pipe escaped; header fields cannot hold line breaks, so those become spaces. */
export function escapeCefHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** A CEF extension value: backslash and equals sign escaped, line breaks written as \n and \r. */
export function escapeCefExtension(value: string): string {
  return value.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
}

// CEF severity 0-10: a failed operation ranks above a successful one.
const SEVERITY = { success: 3, failure: 6 } as const;

/**
 * One audit entry as an ArcSight CEF line:
 * `CEF:0|vendor|product|version|<action>|<message or action>|<severity>|<extension>`.
 * Standard keys carry what CEF names (rt, act, suser, suid, src or c6a2, requestClientApplication, outcome, msg,
 * reason, externalId, cat); the chain position and the object use numbered custom keys with their labels:
 * cn1 seq, cs1 hash, cs2 prev_hash, cs3/cs4/cs5 object type/id/label, cs6 request id.
 */
export function toCef(event: StreamEvent, product: ProductInfo = PRODUCT): string {
  const f = readEventFields(event);
  const severity = f.result === 'failure' ? SEVERITY.failure : SEVERITY.success;
  const header = [
    'CEF:0',
    escapeCefHeader(product.vendor),
    escapeCefHeader(product.name),
    escapeCefHeader(product.version),
    escapeCefHeader(f.action),
    escapeCefHeader(f.message || f.action),
    String(severity),
  ];

  const extension: [key: string, value: string | number | null][] = [
    ['rt', f.occurredAt.getTime()],
    ['externalId', f.id],
    ['act', f.action],
    ['outcome', f.result],
    ['cat', f.source],
    ['suser', f.actor.label],
    ['suid', f.actor.id],
    ['msg', f.message || null],
    ['reason', f.errorMessage],
    ['requestClientApplication', f.userAgent],
    ['cn1Label', 'seq'],
    ['cn1', f.seq],
    ['cs1Label', 'hash'],
    ['cs1', f.hash],
    ['cs2Label', 'prevHash'],
    ['cs2', f.prevHash],
    ['cs3Label', 'objectType'],
    ['cs3', f.object.type],
    ['cs4Label', 'objectId'],
    ['cs4', f.object.id],
    ['cs5Label', 'objectLabel'],
    ['cs5', f.object.label],
    ['cs6Label', 'requestId'],
    ['cs6', f.requestId],
  ];
  // CEF's src is an IPv4 address; an IPv6 source goes to the IPv6 custom address field with its label.
  if (f.ip !== null && isIPv4(f.ip)) extension.splice(4, 0, ['src', f.ip]);
  else if (f.ip !== null && isIPv6(f.ip)) extension.splice(4, 0, ['c6a2Label', 'Source IPv6 Address'], ['c6a2', f.ip]);

  const present = extension.filter(([, value]) => value !== null && value !== '');
  const keys = new Set(present.map(([key]) => key));
  // A label whose value is missing says nothing: it goes with its value.
  const pairs = present
    .filter(([key]) => !key.endsWith('Label') || keys.has(key.slice(0, -'Label'.length)))
    .map(([key, value]) => `${key}=${escapeCefExtension(String(value))}`);
  return `${header.join('|')}|${pairs.join(' ')}`;
}

/**
 * A signed checkpoint as a CEF line: Device Event Class ID `audit.checkpoint`, severity 1, `rt` the signing time,
 * cn1 the tree size, cs1 the root hash, cs2 the whole signed note (its line breaks escaped as \n, which a CEF
 * parser turns back into the exact bytes that were signed), cs3 the organization.
 */
export function checkpointToCef(checkpoint: StreamCheckpoint, product: ProductInfo = PRODUCT): string {
  const header = [
    'CEF:0',
    escapeCefHeader(product.vendor),
    escapeCefHeader(product.name),
    escapeCefHeader(product.version),
    'audit.checkpoint',
    'Signed checkpoint',
    '1',
  ];
  const pairs: [string, string | number][] = [
    ['rt', new Date(checkpoint.signed_at).getTime()],
    ['cn1Label', 'treeSize'],
    ['cn1', checkpoint.tree_size],
    ['cs1Label', 'rootHash'],
    ['cs1', checkpoint.root_hash],
    ['cs2Label', 'note'],
    ['cs2', checkpoint.note],
    ['cs3Label', 'orgId'],
    ['cs3', checkpoint.org_id],
  ];
  return `${header.join('|')}|${pairs.map(([key, value]) => `${key}=${escapeCefExtension(String(value))}`).join(' ')}`;
}
