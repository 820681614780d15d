import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { assertAllowedHost, guardedLookup } from './address-guard';
import { DeliveryError } from './sink';

/** Longest part of a receiver's error answer kept for the Streams screen. */
const MAX_ERROR_BODY = 300;

/** Statuses worth the same request again later: timeouts, rate limits, server trouble. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * POSTs `body` and resolves on a 2xx; anything else throws DeliveryError (retryable for network errors,
 * timeouts and the statuses above). `signal` aborts the request and its socket, so a hanging receiver costs
 * at most the loop's timeout. `ca` (PEM) is trusted in addition to the system's roots.
 */
export function postOnce(url: string, headers: Record<string, string>, body: string, signal: AbortSignal, ca?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    try {
      assertAllowedHost('webhook', target.hostname);
    } catch (refused) {
      return reject(refused);
    }
    const client = target.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), 'user-agent': 'audit-log-streams/1', ...headers },
        signal,
        lookup: guardedLookup('webhook'),
        ...(ca && target.protocol === 'https:' ? { ca: [...tls.rootCertificates, ca] } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          if (status >= 200 && status < 300) return resolve();
          const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).replace(/\s+/g, ' ').trim();
          reject(new DeliveryError(`HTTP ${status}${text ? `: ${text}` : ''}`, retryableStatus(status), status));
        });
        res.on('error', (e) => reject(new DeliveryError(`response failed: ${e.message}`, true)));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof DeliveryError) reject(e);
      else if (signal.aborted) reject(new DeliveryError('timed out waiting for the receiver', true));
      else reject(new DeliveryError(`${e.code ? `${e.code}: ` : ''}${e.message}`, true));
    });
    req.end(payload);
  });
}
