import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the receiver got it (body decompressed when it came gzipped). */
export type ReceivedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: Buffer; wireBytes: number };

/** What the receiver answers: a status, headers and a body. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export type HttpReceiver = {
  url: string;
  /** Requests answered with a 2xx, in arrival order. */
  accepted: ReceivedRequest[];
  /** Every request, whatever the answer. */
  all: ReceivedRequest[];
  /** Answers the next requests with these, in order (then back to `check`). */
  failNext(...answers: Answer[]): void;
  /** Holds the next request's answer until the client gives up (a hanging receiver). */
  hangNext(): void;
  close(): Promise<void>;
};

/**
 * A local HTTP server standing in for a SIEM intake: `check` inspects each request as the real service
 * documents it and returns the answer (its 2xx requests land in `accepted`); scripted failures come first.
 */
export async function startHttpReceiver(check: (request: ReceivedRequest) => Answer): Promise<HttpReceiver> {
  const accepted: ReceivedRequest[] = [];
  const all: ReceivedRequest[] = [];
  const scripted: (Answer | 'hang')[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, wireBytes: wire.length };
      all.push(request);
      const next = scripted.shift();
      if (next === 'hang') return; // never answer; the client's signal must end it
      const answer = next ?? check(request);
      if (answer.status >= 200 && answer.status < 300) accepted.push(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    all,
    failNext: (...answers) => scripted.push(...answers),
    hangNext: () => scripted.push('hang'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
