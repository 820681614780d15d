import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { assertAllowedHost, guardedLookup } from '@/lib/streams/address-guard';
import { DeliveryError } from '@/lib/streams/sink';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A destination URL: HTTPS, or plain HTTP to this machine only (a local forwarder, a test receiver). */
export const destinationUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, 'Must be an https:// URL (http:// only for localhost).');

/** A PEM certificate (or several): the CA to trust instead of the system's, for receivers with a private CA. */
export const pemCertificate = z
  .string()
  .trim()
  .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'Must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).');

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The DeliveryError for a receiver's non-2xx answer: 408, 429 and 5xx are worth retrying (with the receiver's
 * Retry-After when it sent one); any other 4xx will fail the same way again, and a redirect is not followed
 * (it would carry the credentials elsewhere).
 */
export function errorForStatus(receiver: string, status: number, body: string, retryAfter?: string): DeliveryError {
  const detail = body
    .replace(/[\x00-\x1f\x7f]+/g, ' ')
    .trim()
    .slice(0, 200);
  const message = `${receiver} answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status >= 300 && status < 400) return new DeliveryError(`${message} (redirects are not followed)`, false, status);
  const retryable = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(message, retryable, status, retryable ? parseRetryAfter(retryAfter) : undefined);
}

export type HttpPoster = {
  /** POSTs `body`; resolves on a 2xx answer, throws DeliveryError otherwise (network errors and timeouts are retryable). */
  post(headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<void>;
  close(): void;
};

const MAX_ERROR_BODY = 2048;

/** A poster for one receiver URL that keeps its connection alive between batches (close() releases it). */
export function createHttpPoster(receiver: string, target: { url: string; caCertificate?: string }): HttpPoster {
  const url = new URL(target.url);
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, ca: target.caCertificate }) : new http.Agent({ keepAlive: true });
  const request = secure ? https.request : http.request;

  async function post(headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<void> {
    try {
      await postOnce(headers, body, signal);
    } catch (error) {
      // A kept-alive connection the receiver closed while idle fails the next request at once: that request
      // never reached it, so sending it again on a fresh connection is safe (Node's documented pattern).
      if (!(error instanceof StaleConnection)) throw error;
      await postOnce(headers, body, signal);
    }
  }

  function postOnce(headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new DeliveryError(`${receiver}: timed out before sending`, true));
      try {
        assertAllowedHost(receiver, url.hostname);
      } catch (refused) {
        return reject(refused);
      }
      const req = request(
        url,
        { method: 'POST', agent, signal, lookup: guardedLookup(receiver), headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < MAX_ERROR_BODY) chunks.push(chunk);
            kept += chunk.length;
          });
          res.on('error', (error) => reject(networkError(receiver, error, signal)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(kept, MAX_ERROR_BODY));
            const retryAfter = res.headers['retry-after'];
            reject(errorForStatus(receiver, status, text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter));
          });
        },
      );
      req.on('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (req.reusedSocket && !signal.aborted && (code === 'ECONNRESET' || code === 'EPIPE')) reject(new StaleConnection());
        else reject(networkError(receiver, error, signal));
      });
      req.end(body);
    });
  }

  return { post, close: () => agent.destroy() };
}

class StaleConnection extends Error {}

function networkError(receiver: string, error: Error, signal: AbortSignal): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (signal.aborted) return new DeliveryError(`${receiver}: timed out`, true);
  const code = (error as NodeJS.ErrnoException).code;
  return new DeliveryError(`${receiver}: ${code ? `${code} ` : ''}${error.message}`, true);
}
