import type { StreamCheckpoint, StreamEvent } from '@/lib/streams/sink';

/** RFC 5424 severities the stream uses: a successful operation is a notice, a failed one a warning. */
export const SYSLOG_SEVERITY = { success: 5, failure: 4 } as const;

const NILVALUE = '-';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** An RFC 5424 header field: PRINTUSASCII only (other characters become "_"), at most `max` of them, "-" when empty. */
export function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? NILVALUE : printable;
}

/** An SD-PARAM value: inside the quotes `"`, `\` and `]` must be escaped with a backslash (RFC 5424 6.3.3). */
export function escapeSdParam(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** SD-NAME (an SD-ID or a PARAM-NAME): 1-32 PRINTUSASCII characters except `=`, space, `]` and `"`. */
export const SD_NAME = /^[\x21-\x7e]{1,32}$/;
export const isSdName = (name: string) => SD_NAME.test(name) && !/[= \]"]/.test(name);

export type SyslogHeaderOptions = {
  /** 0-23; 13 is "log audit". */
  facility: number;
  hostname: string;
  appName: string;
  /** The SD-ID that carries the chain fields, e.g. `audit@32473` (32473 is the enterprise number RFC 5612 reserves for examples). */
  structuredDataId: string;
  /** Prefix MSG with the UTF-8 byte order mark, as RFC 5424 6.4 requires of a MSG it declares UTF-8. */
  utf8Bom: boolean;
};

/**
 * One entry as an RFC 5424 SYSLOG-MSG (bytes, UTF-8):
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [sd-id seq=".." prev_hash=".." hash=".." id=".."] BOM MSG`.
 * PRI = facility * 8 + severity (notice for success, warning for failure); TIMESTAMP is occurred_at (UTC, ms);
 * MSGID is the action; `body` is the rendered message (JSON or CEF).
 */
export function syslogMessage(event: StreamEvent, body: string, options: SyslogHeaderOptions): Buffer {
  const severity = event.result === 'failure' ? SYSLOG_SEVERITY.failure : SYSLOG_SEVERITY.success;
  const params: [string, string][] = [
    ['seq', String(event.seq)],
    ['prev_hash', event.prev_hash],
    ['hash', event.hash],
    ['id', event.id],
  ];
  return record(severity, event.occurred_at, typeof event.action === 'string' ? event.action : '', params, body, options);
}

/**
 * A signed checkpoint as an RFC 5424 message: severity notice, TIMESTAMP the signing time, MSGID `checkpoint`, the
 * tree size and root hash as SD-PARAMs (`tree_size`, `root_hash`), `body` the rendered record (JSON or CEF).
 */
export function syslogCheckpointMessage(checkpoint: StreamCheckpoint, body: string, options: SyslogHeaderOptions): Buffer {
  const params: [string, string][] = [
    ['tree_size', String(checkpoint.tree_size)],
    ['root_hash', checkpoint.root_hash],
  ];
  return record(SYSLOG_SEVERITY.success, checkpoint.signed_at, 'checkpoint', params, body, options);
}

function record(severity: number, at: string, msgId: string, params: [string, string][], body: string, options: SyslogHeaderOptions): Buffer {
  const occurred = new Date(at);
  const timestamp = Number.isNaN(occurred.getTime()) ? NILVALUE : occurred.toISOString();
  const sd = `[${options.structuredDataId}${params.map(([name, value]) => ` ${name}="${escapeSdParam(value)}"`).join('')}]`;
  const header = [
    `<${options.facility * 8 + severity}>1`,
    timestamp,
    headerField(options.hostname, 255),
    headerField(options.appName, 48),
    NILVALUE,
    headerField(msgId, 32),
    sd,
  ].join(' ');
  return Buffer.concat([Buffer.from(`${header} `, 'utf8'), options.utf8Bom ? UTF8_BOM : Buffer.alloc(0), Buffer.from(body, 'utf8')]);
}

/** RFC 6587 octet-counting framing (also RFC 5425's over TLS): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN in bytes. */
export function octetCountingFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
