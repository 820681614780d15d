import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, type StreamEvent } from '@/lib/streams/sink';
import { createSyslogSink, type SyslogConfig } from '@/lib/streams/sinks/syslog';
import { parseCef } from '@/tests/support/cef-parse';
import { jsonBody, startRsyslog, type ReceivedSyslog, type RsyslogReceiver } from '@/tests/support/rsyslog';
import { verifyReceived } from '@/lib/streams/verify-received';
import { AWKWARD_SEEDS, batchOf, chainedEvents, checkpointKey, signedCheckpoint, type EventSeed } from '@/tests/support/stream-events';

// Debian's rsyslogd is the receiver: what it parsed out of our bytes (PRI, MSGID, STRUCTURED-DATA, MSG) is what
// any RFC 5424 collector would see. Each test names its messages by HOSTNAME to find them in the shared output.
let rsyslog: RsyslogReceiver;

beforeAll(async () => {
  rsyslog = await startRsyslog();
});

afterAll(async () => {
  await rsyslog?.stop();
});

const BOM = '\ufeff';

function sink(hostname: string, config: Partial<SyslogConfig>, key?: string) {
  return createSyslogSink({ host: '127.0.0.1', port: rsyslog.ports.tcp, transport: 'tcp', hostname, ...config } as SyslogConfig, key);
}

async function receivedBy(hostname: string, count: number): Promise<ReceivedSyslog[]> {
  const until = Date.now() + 15_000;
  for (;;) {
    const mine = rsyslog.received().filter((r) => r.hostname === hostname);
    if (mine.length >= count || Date.now() > until) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The SD-PARAMs of our SD-ELEMENT, unescaped. */
function sdParams(sd: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of sd.matchAll(/ ([a-z_]+)="((?:\\.|[^"\\])*)"/g)) params[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return params;
}

function expectSameChain(received: ReceivedSyslog[], sent: StreamEvent[]) {
  expect(received.map((r) => Number(sdParams(r.sd).seq))).toEqual(sent.map((e) => e.seq));
  received.forEach((r, i) => {
    const event = sent[i]!;
    expect(sdParams(r.sd)).toEqual({ seq: String(event.seq), prev_hash: event.prev_hash, hash: event.hash, id: event.id });
    expect(r.msgid).toBe(event.action);
    expect(Number(r.pri)).toBe(13 * 8 + (event.result === 'failure' ? 4 : 5));
    expect(r.raw.startsWith(`<${r.pri}>1 ${event.occurred_at} `)).toBe(true);
    expect(r.msg.startsWith(BOM)).toBe(true);
  });
}

const bulky = (n: number): EventSeed[] => Array.from({ length: n }, (_, i) => ({ message: `bulk ${i}`, metadata: { padding: 'p'.repeat(2000) } }));

describe('syslog sink (RFC 5424, octet-counted) into rsyslog', () => {
  it('sends signed checkpoints after the entries with MSGID checkpoint, as JSON or as a CEF line', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const key = checkpointKey(events[0]!.org_id);
    const checkpoints = [signedCheckpoint(events, 2, key.privateKey), signedCheckpoint(events, events.length, key.privateKey)];
    const s = sink('checkpoints-json', { format: 'json' });
    await s.send({ ...batchOf(events), checkpoints }, AbortSignal.timeout(5000));
    await s.close();
    const received = await receivedBy('checkpoints-json', events.length + 2);
    expect(received.map((r) => r.msgid)).toEqual([...events.map((e) => e.action), 'checkpoint', 'checkpoint']);
    expect(sdParams(received.at(-1)!.sd)).toEqual({ tree_size: String(events.length), root_hash: checkpoints[1]!.root_hash });
    const v = verifyReceived(received.map(jsonBody), { key: key.vkey });
    expect(v.problem).toBeNull();
    expect(v.checkpoints.rootsMatched).toBe(2);

    const c = sink('checkpoints-cef', { format: 'cef' });
    await c.send({ ...batchOf(events), checkpoints: checkpoints.slice(1) }, AbortSignal.timeout(5000));
    await c.close();
    const cef = (await receivedBy('checkpoints-cef', events.length + 1)).at(-1)!;
    expect(cef.msgid).toBe('checkpoint');
    expect(parseCef(cef.msg.replace(/^\ufeff/, '')).extension).toMatchObject({ cn1: String(events.length), cs2: checkpoints[1]!.note });
  });

  it('delivers JSON over TCP: every entry once, in order, byte for byte, across batches and concurrent sends', async () => {
    const events = chainedEvents([...AWKWARD_SEEDS, { message: 'alone' }, ...bulky(300), { message: 'last' }]);
    const s = sink('json-tcp', { format: 'json' });
    await s.send(batchOf(events.slice(0, 5)), AbortSignal.timeout(10_000));
    await s.send(batchOf(events.slice(5, 6)), AbortSignal.timeout(10_000));
    // Two sends at once (the loop never does this, but a sink must not interleave frames if it happens).
    await Promise.all([s.send(batchOf(events.slice(6, 306)), AbortSignal.timeout(10_000)), s.send(batchOf(events.slice(306)), AbortSignal.timeout(10_000))]);
    await s.close();

    const received = await receivedBy('json-tcp', events.length);
    expect(received).toHaveLength(events.length);
    expectSameChain(received, events);
    received.forEach((r, i) => expect(jsonBody(r)).toEqual(events[i]));
    expect(received.every((r) => r.appname === 'audit-log' && r.input === 'tcp')).toBe(true);
  });

  it('delivers CEF over TLS with the standard keys, escapes undone by an independent parser', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const s = sink('cef-tls', { transport: 'tls', port: rsyslog.ports.tls, caCertificate: rsyslog.pki.caPem, serverName: 'localhost', format: 'cef' });
    await s.send(batchOf(events.slice(0, 2)), AbortSignal.timeout(10_000));
    await s.send(batchOf(events.slice(2)), AbortSignal.timeout(10_000));
    await s.close();

    const received = await receivedBy('cef-tls', events.length);
    expect(received).toHaveLength(events.length);
    expectSameChain(received, events);
    received.forEach((r, i) => {
      const event = events[i]!;
      const { header, extension } = parseCef(r.msg.slice(1));
      expect(header.slice(0, 5)).toEqual(['CEF:0', 'Audit Log', 'Audit Log', expect.any(String), event.action]);
      expect(header[5]).toBe((event.message || event.action).replace(/\r\n|[\r\n]/g, ' '));
      expect(header[6]).toBe(event.result === 'failure' ? '6' : '3');
      expect(extension.rt).toBe(String(Date.parse(event.occurred_at)));
      expect(extension.act).toBe(event.action);
      expect(extension.outcome).toBe(event.result);
      expect(extension.suser).toBe(event.actor.label);
      expect(extension.suid).toBe('user-42');
      expect(extension.msg).toBe(event.message || undefined);
      expect(extension.cn1).toBe(String(event.seq));
      expect(extension.cs1).toBe(event.hash);
      expect(extension.cs2).toBe(event.prev_hash);
      expect(extension.cs5).toBe('Member "one" [admin]');
      if (event.ip === '203.0.113.9') expect(extension.src).toBe('203.0.113.9');
      if (event.ip === '2001:db8::1') expect([extension.c6a2, extension.src]).toEqual(['2001:db8::1', undefined]);
      if (event.ip === null) expect(extension.src).toBeUndefined();
    });
  });

  it('authenticates with a client certificate where the receiver demands one (OCSF body)', async () => {
    const events = chainedEvents([{ action: 'member.update' }, { action: 'member.delete', result: 'failure' }]);
    const s = sink(
      'ocsf-mtls',
      { transport: 'tls', port: rsyslog.ports.mtls, caCertificate: rsyslog.pki.caPem, clientCertificate: rsyslog.pki.clientCertPem, format: 'ocsf' },
      rsyslog.pki.clientKeyPem,
    );
    await s.send(batchOf(events), AbortSignal.timeout(10_000));
    await s.close();
    const received = await receivedBy('ocsf-mtls', 2);
    expect(received.map((r) => r.input)).toEqual(['mtls', 'mtls']);
    expectSameChain(received, events);
    expect(received.map((r) => JSON.parse(r.msg.slice(1)).type_uid)).toEqual([600303, 600304]);
  });

  it('refuses a receiver whose certificate the configured CA did not sign, or that is not the configured name', async () => {
    const events = chainedEvents([{ message: 'must not arrive' }]);
    for (const [name, config] of [
      ['wrong-ca', { caCertificate: rsyslog.pki.otherCaPem }],
      ['wrong-name', { caCertificate: rsyslog.pki.caPem, serverName: 'syslog.example.com' }],
    ] as const) {
      const s = sink(name, { transport: 'tls', port: rsyslog.ports.tls, ...config });
      const error = await s.send(batchOf(events), AbortSignal.timeout(10_000)).catch((e: unknown) => e);
      await s.close();
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(true);
      expect((error as DeliveryError).message).toMatch(/certificate|altnames|self.signed|issuer/i);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(rsyslog.received().filter((r) => r.hostname.startsWith('wrong-'))).toEqual([]);
  });

  it('reconnects when the receiver restarts between batches, losing nothing', async () => {
    const events = chainedEvents(Array.from({ length: 20 }, (_, i) => ({ message: `restart ${i}` })));
    const s = sink('restart', { transport: 'tls', port: rsyslog.ports.tls, caCertificate: rsyslog.pki.caPem });
    await s.send(batchOf(events.slice(0, 10)), AbortSignal.timeout(10_000));
    await receivedBy('restart', 10);
    await rsyslog.restart();
    // As the delivery loop would: a retryable failure means the same batch again.
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await s.send(batchOf(events.slice(10)), AbortSignal.timeout(10_000));
        break;
      } catch (error) {
        if (!(error instanceof DeliveryError) || !error.retryable || attempts >= 3) throw error;
      }
    }
    await s.close();
    // The sink saw rsyslog close the idle connection and opened a new one before writing: no attempt was wasted.
    expect(attempts).toBe(1);
    const received = await receivedBy('restart', 20);
    expectSameChain(received, events);
  });

  it('keeps one connection for many batches, each frame counted in bytes', async () => {
    let connections = 0;
    const bytes: Buffer[] = [];
    const server = net.createServer((socket) => {
      connections++;
      socket.on('data', (chunk: Buffer) => bytes.push(chunk));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const events = chainedEvents([...AWKWARD_SEEDS, ...AWKWARD_SEEDS]);
      const s = createSyslogSink({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, transport: 'tcp' });
      for (const event of events) await s.send(batchOf([event]), AbortSignal.timeout(5000));
      await s.close();
      await new Promise((r) => setTimeout(r, 100));
      // Read the stream back by RFC 6587 octet counting alone: "<length> <exactly length bytes>" repeated.
      const stream = Buffer.concat(bytes);
      const messages: string[] = [];
      for (let at = 0; at < stream.length;) {
        const space = stream.indexOf(0x20, at);
        const length = Number(stream.subarray(at, space).toString('ascii'));
        messages.push(stream.subarray(space + 1, space + 1 + length).toString('utf8'));
        at = space + 1 + length;
      }
      expect(connections).toBe(1);
      expect(messages.map((m) => JSON.parse(m.slice(m.indexOf('\ufeff') + 1)))).toEqual(events);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('gives up with a retryable error when the receiver stops reading, instead of hanging', async () => {
    const stalled: net.Socket[] = [];
    const server = net.createServer((socket) => {
      socket.pause(); // accept, never read: the kernel buffers fill and writes stop draining
      stalled.push(socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const events = chainedEvents(bulky(4000));
      const s = createSyslogSink({ host: '127.0.0.1', port, transport: 'tcp', maxMessageBytes: 16_384 });
      const error = await s.send(batchOf(events), AbortSignal.timeout(1000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(true);
      expect((error as DeliveryError).message).toMatch(/timed out/);
      await s.close();
    } finally {
      stalled.forEach((socket) => socket.destroy());
      await new Promise((r) => server.close(r));
    }
  });
});
