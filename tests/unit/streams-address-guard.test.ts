import { afterEach, beforeEach, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from '@/lib/streams/address-guard';
import { postOnce } from '@/lib/streams/http-post';
import { createHttpPoster } from '@/lib/streams/sinks/http-post';
import { createSocketWriter } from '@/lib/streams/sinks/socket-writer';
import { DeliveryError } from '@/lib/streams/sink';

it('tells public addresses from loopback, private, link-local, mapped and reserved ones', () => {
  for (const ip of ['8.8.8.8', '1.1.1.1', '203.0.114.1', '2606:4700:4700::1111']) expect(isPublicAddress(ip), ip).toBe(true);
  for (const ip of [
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])
    expect(isPublicAddress(ip), ip).toBe(false);
});

// A real listener on loopback stands for a service inside the deployment's network: with the setting off, nothing reaches it.
let hits = 0;
let server: http.Server;
let port = 0;
let saved: string | undefined;
beforeEach(async () => {
  saved = process.env.STREAM_ALLOW_PRIVATE_ADDRESSES;
  process.env.STREAM_ALLOW_PRIVATE_ADDRESSES = 'false';
  hits = 0;
  server = http.createServer((_req, res) => {
    hits += 1;
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  process.env.STREAM_ALLOW_PRIVATE_ADDRESSES = saved;
  await new Promise((r) => server.close(r));
});

async function refusal(run: () => Promise<unknown>): Promise<DeliveryError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

it('refuses loopback destinations by IP and by name, for the webhook, the HTTP sinks and syslog, without retrying', async () => {
  const signal = AbortSignal.timeout(5000);
  for (const host of ['127.0.0.1', 'localhost']) {
    const webhook = await refusal(() => postOnce(`http://${host}:${port}/hook`, {}, '{}', signal));
    expect(webhook.retryable).toBe(false);
    expect(webhook.message).toMatch(/private or reserved address/);
    const poster = createHttpPoster('splunk', { url: `http://${host}:${port}/services/collector/event` });
    const hec = await refusal(() => poster.post({}, Buffer.from('{}'), signal));
    poster.close();
    expect(hec.retryable).toBe(false);
    const writer = createSocketWriter('syslog', { host, port });
    const syslog = await refusal(() => writer.write([Buffer.from('5 hello')], signal));
    await writer.close();
    expect(syslog.retryable).toBe(false);
    expect(syslog.message).toMatch(/private or reserved address/);
  }
  expect(hits).toBe(0);

  // The setting on (a SIEM inside one's own network): the same request goes through.
  process.env.STREAM_ALLOW_PRIVATE_ADDRESSES = 'true';
  await postOnce(`http://localhost:${port}/hook`, {}, '{}', signal);
  expect(hits).toBe(1);
});
