import { hostname } from 'node:os';
import { z } from 'zod';
import { checkpointToCef, toCef } from '@/lib/streams/formats/cef';
import { toOcsfApiActivity } from '@/lib/streams/formats/ocsf';
import { oversizeStandIn } from '@/lib/streams/formats/oversize';
import { isSdName, octetCountingFrame, syslogCheckpointMessage, syslogMessage, type SyslogHeaderOptions } from '@/lib/streams/formats/syslog-5424';
import type { Sink, StreamBatch, StreamCheckpoint, StreamEvent } from '@/lib/streams/sink';
import { pemCertificate } from './http-post';
import { createSocketWriter } from './socket-writer';

/** A syslog destination: RFC 5424 messages, octet-counting framing, over TCP (RFC 6587) or TLS (RFC 5425). */
export const syslogConfig = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[a-z0-9.:\-[\]]+$/i, 'Must be a host name or an IP address.'),
    /** 6514 (syslog over TLS) for tls, 514 for tcp when left out. */
    port: z.number().int().min(1).max(65535).optional(),
    transport: z.enum(['tls', 'tcp']).default('tls'),
    /** The CA (PEM) that signed the receiver's certificate; the system's CAs when left out. */
    caCertificate: pemCertificate.optional(),
    /** The name the receiver's certificate must carry (and the SNI sent); the host when left out. */
    serverName: z.string().trim().min(1).max(255).optional(),
    /** A client certificate (PEM) for receivers that authenticate senders; its private key is the destination's secret. */
    clientCertificate: pemCertificate.optional(),
    /** MSG: the entry as JSON, as OCSF API Activity JSON, or as an ArcSight CEF line. */
    format: z.enum(['json', 'ocsf', 'cef']).default('json'),
    /** 0-23; 13 is "log audit", 10 "security/authorization (authpriv)". */
    facility: z.number().int().min(0).max(23).default(13),
    /** HOSTNAME of every message; this machine's host name when left out. */
    hostname: z.string().trim().min(1).max(255).optional(),
    appName: z.string().trim().min(1).max(48).default('audit-log'),
    structuredDataId: z.string().refine(isSdName, 'Must be an SD-ID: up to 32 printable ASCII characters, no "=", space, "]" or \'"\'.').default('audit@32473'),
    /** RFC 5424 6.4: a MSG declared UTF-8 starts with the byte order mark. Turn off for receivers that keep it in the text. */
    utf8Bom: z.boolean().default(true),
    /** Largest SYSLOG-MSG; RFC 5425 receivers must take 2048 and should take 8192 (rsyslog's default maxMessageSize is 8k). */
    maxMessageBytes: z.number().int().min(2048).max(1_048_576).default(8192),
  })
  .refine((c) => c.transport === 'tls' || (!c.caCertificate && !c.clientCertificate && !c.serverName), {
    message: 'Certificates and a server name apply to TLS only.',
    path: ['transport'],
  });
export type SyslogConfig = z.input<typeof syslogConfig>;

/**
 * A sink that writes each entry as one RFC 5424 message, octet-counted, on a persistent TCP or TLS connection
 * (reused across batches, reopened after an error). A batch counts as delivered once every byte has been flushed
 * to the socket: syslog over TCP/TLS has no application-level acknowledgement. `clientKey` (PEM) is needed only
 * with a client certificate. An entry whose message would exceed maxMessageBytes is sent as its oversize stand-in.
 * Signed checkpoints follow the entries with MSGID `checkpoint`: the checkpoint record as JSON (also for OCSF, which
 * has no class for it) or a CEF checkpoint line; a note is a few hundred bytes, far below any message limit.
 */
export function createSyslogSink(config: SyslogConfig, clientKey?: string | null): Sink {
  const settings = syslogConfig.parse(config);
  if (settings.clientCertificate && !clientKey) throw new Error('A client certificate needs its private key (the secret).');
  const header: SyslogHeaderOptions = {
    facility: settings.facility,
    hostname: settings.hostname ?? hostname(),
    appName: settings.appName,
    structuredDataId: settings.structuredDataId,
    utf8Bom: settings.utf8Bom,
  };
  const tls = settings.transport === 'tls';
  const writer = createSocketWriter('syslog', {
    host: settings.host.replace(/^\[(.*)\]$/, '$1'),
    port: settings.port ?? (tls ? 6514 : 514),
    tls: tls
      ? {
          ca: settings.caCertificate,
          serverName: settings.serverName,
          cert: settings.clientCertificate,
          key: settings.clientCertificate ? (clientKey ?? undefined) : undefined,
        }
      : undefined,
  });

  function render(event: StreamEvent): string {
    if (settings.format === 'cef') return toCef(event);
    return JSON.stringify(settings.format === 'ocsf' ? toOcsfApiActivity(event) : event);
  }

  function frame(event: StreamEvent): Buffer {
    const message = syslogMessage(event, render(event), header);
    if (message.length <= settings.maxMessageBytes) return octetCountingFrame(message);
    const measure = (standIn: string) => syslogMessage(event, standIn, header).length;
    return octetCountingFrame(syslogMessage(event, oversizeStandIn(event, JSON.stringify(event), settings.maxMessageBytes, measure), header));
  }

  function checkpointFrame(checkpoint: StreamCheckpoint): Buffer {
    const body = settings.format === 'cef' ? checkpointToCef(checkpoint) : JSON.stringify(checkpoint);
    return octetCountingFrame(syslogCheckpointMessage(checkpoint, body, header));
  }

  return {
    send: (batch: StreamBatch, signal: AbortSignal) => writer.write([...batch.events.map(frame), ...(batch.checkpoints ?? []).map(checkpointFrame)], signal),
    close: () => writer.close(),
  };
}
