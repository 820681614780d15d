import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { formatHttpEvent, httpEventFormat } from '@/lib/streams/formats/http-format';
import { oversizeStandIn } from '@/lib/streams/formats/oversize';
import { DeliveryError, type Sink, type StreamBatch, type StreamCheckpoint, type StreamEvent } from '@/lib/streams/sink';
import { createHttpPoster, destinationUrl, pemCertificate } from './http-post';
import { chunkItems, joinChunk } from './request-chunks';

/** The HEC endpoint for JSON event envelopes, used when the configured URL has no path. */
export const HEC_EVENT_PATH = '/services/collector/event';

const metadataText = (max: number) => z.string().trim().min(1).max(max);

/** A Splunk HTTP Event Collector destination (the HEC token is the secret, kept apart from this). */
export const splunkHecConfig = z.object({
  /** The collector: `https://splunk.example.com:8088` (then /services/collector/event is used) or a full endpoint URL. */
  url: destinationUrl,
  /** HEC `host` of every event; this machine's host name when left out. */
  host: metadataText(255).optional(),
  source: metadataText(255).default('audit-log'),
  sourcetype: metadataText(255).default('_json'),
  /** HEC `index`; the token's default index when left out. */
  index: z
    .string()
    .trim()
    .regex(/^[a-z0-9_][a-z0-9_-]{0,79}$/i, 'Must be a Splunk index name (letters, digits, "_" and "-").')
    .optional(),
  format: httpEventFormat.default('json'),
  /** Trust this CA (PEM) for the collector's certificate instead of the system's. */
  caCertificate: pemCertificate.optional(),
  /** Largest request body; a batch is split into as many requests as it needs. */
  maxRequestBytes: z.number().int().min(16_384).max(838_860_800).default(1_000_000),
});
export type SplunkHecConfig = z.input<typeof splunkHecConfig>;

/** The sourcetype of signed checkpoints, whatever the entries' sourcetype: a search tells them apart by it. */
export const HEC_CHECKPOINT_SOURCETYPE = 'audit:checkpoint';

/** The endpoint to POST to: the configured URL, with HEC's event path when it has none. */
export function hecEndpoint(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '' || parsed.pathname === '/') parsed.pathname = HEC_EVENT_PATH;
  return parsed.toString();
}

/** HEC's `time`: epoch seconds with milliseconds as the fraction (1732830000.123). */
export function hecTime(occurredAt: string): number {
  return new Date(occurredAt).getTime() / 1000;
}

/** A GUID for X-Splunk-Request-Channel (needed by tokens with indexer acknowledgement), stable per destination. */
export function hecChannel(destinationId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(destinationId)) return destinationId.toLowerCase();
  const hex = createHash('sha256').update(destinationId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A sink that POSTs each batch to Splunk HEC as concatenated event envelopes
 * (`{"time","host","source","sourcetype","index"?,"event"}` one per line) with `Authorization: Splunk <token>`.
 * A batch above maxRequestBytes goes out as several requests in order; an entry that alone exceeds it is
 * replaced by its oversize stand-in (chain fields, `truncated: true`, an excerpt). A 2xx means HEC accepted the
 * request (indexer acknowledgement is not polled). Signed checkpoints follow the batch's entries as envelopes of
 * sourcetype `audit:checkpoint`, the checkpoint record as the event (in either format: OCSF has no class for it).
 */
export function createSplunkHecSink(config: SplunkHecConfig, token: string): Sink {
  const settings = splunkHecConfig.parse(config);
  if (token.trim() === '') throw new Error('A Splunk HEC token is required.');
  const poster = createHttpPoster('Splunk HEC', { url: hecEndpoint(settings.url), caCertificate: settings.caCertificate });
  const host = settings.host ?? hostname();

  function envelope(event: StreamEvent): Buffer {
    const wrap = (body: unknown) => {
      const env: Record<string, unknown> = { time: hecTime(event.occurred_at), host, source: settings.source, sourcetype: settings.sourcetype };
      if (settings.index) env.index = settings.index;
      env.event = body;
      return JSON.stringify(env);
    };
    const full = wrap(formatHttpEvent(event, settings.format));
    if (Buffer.byteLength(full) <= settings.maxRequestBytes) return Buffer.from(full);
    const measure = (standIn: string) => Buffer.byteLength(wrap(JSON.parse(standIn)));
    return Buffer.from(wrap(JSON.parse(oversizeStandIn(event, JSON.stringify(event), settings.maxRequestBytes, measure))));
  }

  function checkpointEnvelope(checkpoint: StreamCheckpoint): Buffer {
    const env: Record<string, unknown> = { time: hecTime(checkpoint.signed_at), host, source: settings.source, sourcetype: HEC_CHECKPOINT_SOURCETYPE };
    if (settings.index) env.index = settings.index;
    env.event = checkpoint;
    return Buffer.from(JSON.stringify(env));
  }

  return {
    async send(batch: StreamBatch, signal: AbortSignal) {
      const items = [...batch.events.map(envelope), ...(batch.checkpoints ?? []).map(checkpointEnvelope)];
      const groups = chunkItems(items, { maxBytes: settings.maxRequestBytes, maxItems: Infinity }, { open: 0, separator: 1, close: 0 });
      const headers = {
        authorization: `Splunk ${token}`,
        'content-type': 'application/json',
        'x-splunk-request-channel': hecChannel(batch.destinationId),
      };
      for (const group of groups) {
        if (signal.aborted) throw new DeliveryError('Splunk HEC: timed out', true);
        await poster.post(headers, joinChunk(group, '', '\n', ''), signal);
      }
    },
    async close() {
      poster.close();
    },
  };
}
