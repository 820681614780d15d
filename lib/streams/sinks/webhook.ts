import { webhookBody } from '@/lib/streams/formats/webhook-json';
import { postOnce } from '@/lib/streams/http-post';
import type { Sink, StreamBatch } from '@/lib/streams/sink';
import { webhookHeaders } from '@/lib/streams/webhook-signature';

export type WebhookConfig = { url: string; ca_cert?: string };

/**
 * HTTPS webhook per the Standard Webhooks specification: one POST per batch, `webhook-id` = the batch id
 * (the same on every retry and instance, so a receiver can drop duplicates), `webhook-timestamp` = the
 * attempt's time, `webhook-signature` = v1 HMAC-SHA256 with the destination's `whsec_` secret.
 */
export function createWebhookSink(config: WebhookConfig, secrets: { signing_secret: string }): Sink {
  return {
    async send(batch: StreamBatch, signal: AbortSignal) {
      const body = webhookBody(batch);
      const headers = webhookHeaders(secrets.signing_secret, batch.id, batch.attemptAt, body);
      await postOnce(config.url, headers, body, signal, config.ca_cert || undefined);
    },
    async close() {},
  };
}
