import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver does with the next requests: accept, answer 500, never answer, reset the connection, or store and then never answer. */
export type ReceiverMode = 'ok' | 'fail500' | 'hang' | 'reset' | 'store-then-hang';

export type ReceivedBatch = {
  webhookId: string;
  body: { type: string; batch: Record<string, unknown>; events: Record<string, unknown>[]; checkpoints?: Record<string, unknown>[] };
};

const dir = path.join(import.meta.dirname, 'tls');
export const TEST_CA_PEM = fs.readFileSync(path.join(dir, 'localhost-cert.pem'), 'utf8');

/**
 * A local HTTPS webhook receiver (self-signed localhost certificate, TEST_CA_PEM) that checks every request's
 * signature with the `standardwebhooks` package - an implementation we did not write - and fails on command.
 * Stored batches are appended as JSON lines to `storeFile` when given.
 */
export async function startWebhookReceiver(secret: () => string | null, opts: { storeFile?: string } = {}) {
  let mode: ReceiverMode = 'ok';
  const stored: ReceivedBatch[] = [];
  const attempts: { webhookId: string; mode: ReceiverMode; verified: boolean; raw: string }[] = [];
  const badSignatures: string[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'localhost-key.pem')), cert: TEST_CA_PEM }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const key = secret();
      // Until the test has read the secret from the screen, answer as a receiver that is not up yet (retryable).
      if (!key) {
        res.writeHead(503).end('receiver not configured yet');
        return;
      }
      let verified = false;
      try {
        new Webhook(key).verify(raw, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const webhookId = headers['webhook-id'] ?? '';
      const current = mode;
      attempts.push({ webhookId, mode: current, verified, raw });
      if (!verified) {
        badSignatures.push(webhookId);
        res.writeHead(401).end('bad signature');
        return;
      }
      const store = () => {
        const body = JSON.parse(raw) as ReceivedBatch['body'];
        stored.push({ webhookId, body });
        if (opts.storeFile) fs.appendFileSync(opts.storeFile, `${JSON.stringify({ webhook_id: webhookId, ...body })}\n`);
      };
      if (current === 'ok') {
        store();
        res.writeHead(204).end();
      } else if (current === 'fail500') res.writeHead(500).end('receiver down');
      else if (current === 'reset') req.socket.destroy();
      else {
        if (current === 'store-then-hang') store();
        hanging.add(res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}/hooks/audit`,
    stored,
    attempts,
    badSignatures,
    setMode(next: ReceiverMode) {
      mode = next;
    },
    /** Every stored event's seq, in arrival order (duplicates included). */
    seqs(): number[] {
      return stored.filter((b) => b.body.type === 'audit.events').flatMap((b) => b.body.events.map((e) => Number(e.seq)));
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
