import { z } from 'zod';
import type { Sink } from './sink';
import { createDatadogLogsSink } from './sinks/datadog-logs';
import { createSplunkHecSink } from './sinks/splunk-hec';
import { createSyslogSink } from './sinks/syslog';
import { createWebhookSink } from './sinks/webhook';
import { generateWebhookSecret } from './webhook-signature';

/** Message formats a destination may use (each kind lists the ones it accepts). */
export const STREAM_FORMATS = ['json', 'cef', 'ocsf'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export const FORMAT_LABELS: Record<StreamFormat, string> = {
  json: 'JSON (every recorded field, with seq, prev_hash and hash)',
  cef: 'CEF (ArcSight Common Event Format)',
  ocsf: 'OCSF API Activity (class 6003)',
};

export const DESTINATION_KINDS = ['webhook', 'splunk_hec', 'datadog', 'syslog_tcp', 'syslog_tls'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** A form field of a kind's settings, as the Streams screen draws it. */
export type KindField = { name: string; label: string; input: 'url' | 'text' | 'number' | 'pem' | 'secret'; required: boolean; hint?: string };

/** What one destination needs to build its sink: its stored settings, opened secrets and chosen format. */
export type SinkInput<C> = { destinationId: string; orgId: string; config: C; secrets: Record<string, string>; format: StreamFormat };

export type KindSpec<C extends Record<string, unknown> = Record<string, unknown>> = {
  label: string;
  /** Non-secret settings: stored as jsonb and shown on the screen (and in audit entries). */
  config: z.ZodType<C>;
  /** Secret settings the person types in (tokens, keys): sealed, never shown again, never in an audit entry. */
  secretFields: readonly KindField[];
  /** A secret the server makes and shows once (the webhook signing secret). */
  generatedSecret?: { name: string; label: string; make(): string };
  formats: readonly StreamFormat[];
  fields: readonly KindField[];
  /** Builds the sink; absent while a kind is declared but its sink is not in this build (the screen shows it unavailable). */
  createSink?: (input: SinkInput<C>) => Sink;
};

const PEM = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

// A URL whose user:password part would land in audit entries is refused; secrets have their own fields.
const httpsUrl = z
  .url({ protocol: /^https$/, error: 'Must be an https:// URL.' })
  .max(2000, { error: 'Keep the URL under 2000 characters.' })
  .refine((u) => !new URL(u).username && !new URL(u).password, { error: 'Put credentials in the token field, not in the URL.' });

const caCert = z
  .string()
  .trim()
  .max(20_000, { error: 'Keep the certificate under 20,000 characters.' })
  .refine((v) => v === '' || PEM.test(v), { error: 'Must be a PEM certificate (-----BEGIN CERTIFICATE----- …).' })
  .optional()
  .transform((v) => v || undefined);

const host = z
  .string()
  .trim()
  .min(1, { error: 'Give the host name or address.' })
  .max(253, { error: 'Keep the host under 253 characters.' })
  .regex(/^[A-Za-z0-9.:[\]-]+$/, { error: 'Must be a host name or an IP address.' });
const port = z.coerce.number({ error: 'Must be a port number.' }).int({ error: 'Must be a whole number.' }).min(1).max(65535);

const secretText = (label: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Give the ${label}.` })
    .max(2000, { error: `Keep the ${label} under 2000 characters.` });

const urlField = (hint: string): KindField => ({ name: 'url', label: 'URL', input: 'url', required: true, hint });
const caField: KindField = {
  name: 'ca_cert',
  label: 'CA certificate (PEM, optional)',
  input: 'pem',
  required: false,
  hint: 'Trusted in addition to the system roots',
};

const webhook: KindSpec<{ url: string; ca_cert?: string }> = {
  label: 'HTTPS webhook (Standard Webhooks)',
  config: z.object({ url: httpsUrl, ca_cert: caCert }),
  secretFields: [],
  generatedSecret: { name: 'signing_secret', label: 'Signing secret', make: generateWebhookSecret },
  formats: ['json'],
  fields: [urlField('https://siem.example.com/hooks/audit'), caField],
  createSink: ({ config, secrets }) => createWebhookSink(config, { signing_secret: secrets.signing_secret ?? '' }),
};

// Splunk HTTP Event Collector: `Authorization: Splunk <token>`, e.g. https://splunk.example.com:8088/services/collector/event.
const splunkHec: KindSpec<{ url: string; ca_cert?: string }> = {
  label: 'Splunk HTTP Event Collector',
  config: z.object({ url: httpsUrl, ca_cert: caCert }),
  secretFields: [{ name: 'token', label: 'HEC token', input: 'secret', required: true }],
  formats: ['json', 'ocsf'],
  fields: [urlField('https://splunk.example.com:8088/services/collector/event'), caField],
  createSink: ({ config, secrets, format }) =>
    createSplunkHecSink({ url: config.url, caCertificate: config.ca_cert, format: httpFormat(format) }, secrets.token ?? ''),
};

// Datadog logs intake: `DD-API-KEY`, e.g. https://http-intake.logs.datadoghq.eu/api/v2/logs.
const datadog: KindSpec<{ url: string; ca_cert?: string }> = {
  label: 'Datadog logs',
  config: z.object({ url: httpsUrl, ca_cert: caCert }),
  secretFields: [{ name: 'api_key', label: 'Datadog API key', input: 'secret', required: true }],
  formats: ['json', 'ocsf'],
  fields: [urlField('https://http-intake.logs.datadoghq.com/api/v2/logs'), caField],
  createSink: ({ config, secrets, format }) =>
    createDatadogLogsSink({ url: config.url, caCertificate: config.ca_cert, format: httpFormat(format) }, secrets.api_key ?? ''),
};

const hostFields: KindField[] = [
  { name: 'host', label: 'Host', input: 'text', required: true, hint: 'syslog.example.com' },
  { name: 'port', label: 'Port', input: 'number', required: true, hint: '6514 for TLS, 514 or 601 for TCP' },
];

// RFC 5424 messages with octet-counting framing (RFC 6587) over TCP.
const syslogTcp: KindSpec<{ host: string; port: number }> = {
  label: 'Syslog over TCP (RFC 5424, octet counting)',
  config: z.object({ host, port }),
  secretFields: [],
  formats: ['json', 'cef', 'ocsf'],
  fields: hostFields,
  createSink: ({ config, format }) => createSyslogSink({ host: config.host, port: config.port, transport: 'tcp', format }),
};

// The same over TLS (RFC 5425).
const syslogTls: KindSpec<{ host: string; port: number; ca_cert?: string }> = {
  label: 'Syslog over TLS (RFC 5425)',
  config: z.object({ host, port, ca_cert: caCert }),
  secretFields: [],
  formats: ['json', 'cef', 'ocsf'],
  fields: [...hostFields, caField],
  createSink: ({ config, format }) => createSyslogSink({ host: config.host, port: config.port, transport: 'tls', caCertificate: config.ca_cert, format }),
};

/** The HTTP kinds take JSON or OCSF (CEF is a syslog line format; their schemas refuse it before this is reached). */
function httpFormat(format: StreamFormat): 'json' | 'ocsf' {
  if (format === 'cef') throw new Error('CEF is offered for syslog destinations only.');
  return format;
}

/**
 * THE registry of destination kinds: settings schema, secret fields, formats and sink factory. A kind whose
 * sink lives in lib/streams/sinks/ is enabled by setting its `createSink` here (SinkInput gives config,
 * opened secrets and format); the screen and the loop need nothing else.
 */
export const KINDS: Record<DestinationKind, KindSpec> = {
  webhook: erase(webhook),
  splunk_hec: erase(splunkHec),
  datadog: erase(datadog),
  syslog_tcp: erase(syslogTcp),
  syslog_tls: erase(syslogTls),
};

/** A kind's spec with its settings type erased: the loop only hands createSink what `config` produced. */
function erase<C extends Record<string, unknown>>(spec: KindSpec<C>): KindSpec {
  return spec as unknown as KindSpec;
}

export function isDestinationKind(kind: string): kind is DestinationKind {
  return (DESTINATION_KINDS as readonly string[]).includes(kind);
}

/** The kind's spec (callers validate settings with its `config` first). */
export function kindSpec(kind: DestinationKind): KindSpec {
  return KINDS[kind];
}

/** Validates a secret field's value (same rules for every kind). */
export const secretFieldSchema = secretText;
