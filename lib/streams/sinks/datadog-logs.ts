import { gzip } from 'node:zlib';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { z } from 'zod';
import { formatHttpEvent, httpEventFormat } from '@/lib/streams/formats/http-format';
import { oversizeStandIn } from '@/lib/streams/formats/oversize';
import { DeliveryError, type Sink, type StreamBatch, type StreamCheckpoint, type StreamEvent } from '@/lib/streams/sink';
import { createHttpPoster, destinationUrl, pemCertificate } from './http-post';
import { chunkItems, joinChunk } from './request-chunks';

const gzipAsync = promisify(gzip);

/** The logs intake's documented limits per request (uncompressed), in decimal units to stay under either reading. */
export const DATADOG_LIMITS = { maxRequestBytes: 5_000_000, maxEntries: 1000, maxEntryBytes: 1_000_000 } as const;

/** The tag a signed checkpoint's log carries (entries carry none of it): `audit.kind:checkpoint`. */
export const DATADOG_CHECKPOINT_TAG = 'audit.kind:checkpoint';

export const DATADOG_DEFAULT_URL = 'https://http-intake.logs.datadoghq.com/api/v2/logs';

// A Datadog tag: key:value, starting with a letter, at most 200 characters.
const tag = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_\-:./]{0,199}$/i, 'Tags start with a letter and hold letters, digits, "_", "-", ":", "." or "/".');

/** A Datadog logs destination (the API key is the secret, kept apart from this). */
export const datadogLogsConfig = z.object({
  /** The intake of the account's site, e.g. https://http-intake.logs.datadoghq.eu/api/v2/logs. */
  url: destinationUrl.default(DATADOG_DEFAULT_URL),
  service: z.string().trim().min(1).max(100).default('audit-log'),
  /** `ddsource`: the integration name Datadog's pipelines key on. */
  source: z.string().trim().min(1).max(100).default('audit-log'),
  /** `hostname` of every log; this machine's host name when left out. */
  hostname: z.string().trim().min(1).max(255).optional(),
  /** `ddtags`, sent comma-separated. */
  tags: z.array(tag).max(100).default([]),
  format: httpEventFormat.default('json'),
  /** gzip request bodies (Datadog recommends it; the limits apply to the uncompressed size). */
  compress: z.boolean().default(true),
  caCertificate: pemCertificate.optional(),
});
export type DatadogLogsConfig = z.input<typeof datadogLogsConfig>;

/**
 * A sink that POSTs each batch to the Datadog logs intake as a JSON array of
 * `{ ddsource, ddtags, hostname, service, message }` items (message = the entry as JSON) with `DD-API-KEY`.
 * A batch goes out in as many requests as the limits need (at most 1000 items and 5 MB per request, in order);
 * an item above 1 MB carries the entry's oversize stand-in instead (chain fields, `truncated: true`, an excerpt)
 * and the tag `truncated:true`, rather than being cut by the intake or blocking the stream. Signed checkpoints follow
 * the entries as logs tagged `audit.kind:checkpoint`, the message the checkpoint record as JSON (in either format).
 */
export function createDatadogLogsSink(config: DatadogLogsConfig, apiKey: string): Sink {
  const settings = datadogLogsConfig.parse(config);
  if (apiKey.trim() === '') throw new Error('A Datadog API key is required.');
  const poster = createHttpPoster('Datadog', { url: settings.url, caCertificate: settings.caCertificate });
  const host = settings.hostname ?? hostname();
  const tags = settings.tags.join(',');

  function item(event: StreamEvent): Buffer {
    const wrap = (message: string, truncated = false) =>
      JSON.stringify({
        ddsource: settings.source,
        ddtags: truncated ? (tags ? `${tags},truncated:true` : 'truncated:true') : tags,
        hostname: host,
        service: settings.service,
        message,
      });
    const full = wrap(JSON.stringify(formatHttpEvent(event, settings.format)));
    if (Buffer.byteLength(full) <= DATADOG_LIMITS.maxEntryBytes) return Buffer.from(full);
    const measure = (standIn: string) => Buffer.byteLength(wrap(standIn, true));
    return Buffer.from(wrap(oversizeStandIn(event, JSON.stringify(event), DATADOG_LIMITS.maxEntryBytes, measure), true));
  }

  function checkpointItem(checkpoint: StreamCheckpoint): Buffer {
    const ddtags = tags ? `${tags},${DATADOG_CHECKPOINT_TAG}` : DATADOG_CHECKPOINT_TAG;
    return Buffer.from(JSON.stringify({ ddsource: settings.source, ddtags, hostname: host, service: settings.service, message: JSON.stringify(checkpoint) }));
  }

  return {
    async send(batch: StreamBatch, signal: AbortSignal) {
      const limits = { maxBytes: DATADOG_LIMITS.maxRequestBytes, maxItems: DATADOG_LIMITS.maxEntries };
      const groups = chunkItems([...batch.events.map(item), ...(batch.checkpoints ?? []).map(checkpointItem)], limits, { open: 1, separator: 1, close: 1 });
      for (const group of groups) {
        if (signal.aborted) throw new DeliveryError('Datadog: timed out', true);
        const body = joinChunk(group, '[', ',', ']');
        const headers: Record<string, string> = { 'dd-api-key': apiKey, 'content-type': 'application/json' };
        if (settings.compress) headers['content-encoding'] = 'gzip';
        await poster.post(headers, settings.compress ? await gzipAsync(body) : body, signal);
      }
    },
    async close() {
      poster.close();
    },
  };
}
