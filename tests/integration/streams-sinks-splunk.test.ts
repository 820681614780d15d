import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '@/lib/streams/sink';
import { createSplunkHecSink, type SplunkHecConfig } from '@/lib/streams/sinks/splunk-hec';
import { startHttpReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from '@/tests/support/http-receiver';
import { verifyReceived } from '@/lib/streams/verify-received';
import { AWKWARD_SEEDS, batchOf, chainedEvents, checkpointKey, signedCheckpoint } from '@/tests/support/stream-events';

const TOKEN = '8b2f3c1e-5d7a-4e7c-9a34-2f0c6e8d1b55';
const ENVELOPE_KEYS = new Set(['time', 'host', 'source', 'sourcetype', 'index', 'event', 'fields']);

/** Reads concatenated JSON objects (HEC's batch format: objects back to back, whitespace allowed between them). */
function concatenatedObjects(text: string): unknown[] {
  const objects: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) objects.push(JSON.parse(text.slice(start, i + 1)));
    else if (depth === 0 && !/\s/.test(c!)) throw new Error(`unexpected ${c} between events`);
  }
  return objects;
}

/** A stand-in for HEC's /services/collector/event, answering as Splunk documents (text + code). */
function hec(request: ReceivedRequest): Answer {
  if (request.method !== 'POST' || request.path !== '/services/collector/event')
    return { status: 404, body: '{"text":"The requested URL was not found on this server.","code":404}' };
  const auth = request.headers.authorization;
  if (!auth) return { status: 401, body: '{"text":"Token is required","code":2}' };
  if (auth !== `Splunk ${TOKEN}`) return { status: 403, body: '{"text":"Invalid token","code":4}' };
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(request.headers['x-splunk-request-channel'])))
    return { status: 400, body: '{"text":"Invalid data channel","code":11}' };
  const envelopes = concatenatedObjects(request.body.toString('utf8')) as Record<string, unknown>[];
  const bad = envelopes.findIndex(
    (e) =>
      typeof e.event !== 'object' ||
      typeof e.time !== 'number' ||
      !/^\d+(\.\d{1,3})?$/.test(String(e.time)) ||
      Object.keys(e).some((k) => !ENVELOPE_KEYS.has(k)) ||
      ['host', 'source', 'sourcetype', 'index'].some((k) => k in e && typeof e[k] !== 'string'),
  );
  if (envelopes.length === 0 || bad >= 0) return { status: 400, body: JSON.stringify({ text: 'Invalid data format', code: 6, 'invalid-event-number': bad }) };
  return { status: 200, body: '{"text":"Success","code":0}' };
}

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await startHttpReceiver(hec);
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.accepted.length = 0;
  receiver.all.length = 0;
});

const envelopesOf = (requests: ReceivedRequest[]) => requests.flatMap((r) => concatenatedObjects(r.body.toString('utf8')) as Record<string, unknown>[]);
const config = (extra: Partial<SplunkHecConfig> = {}): SplunkHecConfig => ({ url: receiver.url, host: 'audit.example.com', index: 'audit', ...extra });

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('Splunk HEC sink', () => {
  it('sends signed checkpoints after the entries as sourcetype audit:checkpoint, which stream:verify checks', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const key = checkpointKey(events[0]!.org_id);
    const checkpoint = signedCheckpoint(events, events.length, key.privateKey);
    const sink = createSplunkHecSink(config(), TOKEN);
    await sink.send({ ...batchOf(events), checkpoints: [checkpoint] }, AbortSignal.timeout(5000));
    await sink.close();
    const envelopes = envelopesOf(receiver.accepted);
    expect(envelopes.map((e) => e.sourcetype)).toEqual([...events.map(() => '_json'), 'audit:checkpoint']);
    expect(envelopes.at(-1)).toMatchObject({ event: checkpoint, time: Date.parse(checkpoint.signed_at) / 1000, index: 'audit' });
    const v = verifyReceived(envelopes, { key: key.vkey });
    expect(v.problem).toBeNull();
    expect(v.checkpoints).toMatchObject({ count: 1, rootsMatched: 1 });
  });

  it('posts HEC event envelopes with the token, each carrying the entry unchanged', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const sink = createSplunkHecSink(config(), TOKEN);
    await sink.send(batchOf(events), AbortSignal.timeout(5000));
    await sink.close();

    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]!.headers['content-type']).toBe('application/json');
    const envelopes = envelopesOf(receiver.accepted);
    expect(envelopes.map((e) => e.event)).toEqual(events);
    envelopes.forEach((e, i) => {
      expect(e.time).toBe(Date.parse(events[i]!.occurred_at) / 1000);
      expect(String(e.time)).toMatch(/\.007$/); // the fixture's milliseconds survive
      expect([e.host, e.source, e.sourcetype, e.index]).toEqual(['audit.example.com', 'audit-log', '_json', 'audit']);
    });
  });

  it('sends OCSF API Activity events when asked', async () => {
    const events = chainedEvents([{ action: 'member.create' }, { action: 'report.export', result: 'failure' }]);
    const sink = createSplunkHecSink(config({ format: 'ocsf', sourcetype: 'ocsf:api_activity' }), TOKEN);
    await sink.send(batchOf(events), AbortSignal.timeout(5000));
    await sink.close();
    type Ocsf = { class_uid: number; type_uid: number; status_id: number; metadata: { sequence: number }; unmapped: { hash: string } };
    const ocsf = envelopesOf(receiver.accepted).map((e) => e.event as Ocsf);
    expect(ocsf.map((o) => [o.class_uid, o.type_uid, o.status_id, o.metadata.sequence, o.unmapped.hash])).toEqual([
      [6003, 600301, 1, 1, events[0]!.hash],
      [6003, 600302, 2, 2, events[1]!.hash],
    ]);
  });

  it('splits a batch over maxRequestBytes into ordered requests and shrinks a lone oversize entry', async () => {
    const seeds = Array.from({ length: 60 }, (_, i) => ({ message: `e${i}`, metadata: i === 30 ? { blob: 'x'.repeat(50_000) } : { pad: 'y'.repeat(1000) } }));
    const events = chainedEvents(seeds);
    const sink = createSplunkHecSink(config({ maxRequestBytes: 16_384 }), TOKEN);
    await sink.send(batchOf(events), AbortSignal.timeout(5000));
    await sink.close();

    expect(receiver.accepted.length).toBeGreaterThan(3);
    expect(receiver.accepted.every((r) => r.body.length <= 16_384)).toBe(true);
    const delivered = envelopesOf(receiver.accepted).map((e) => e.event as Record<string, unknown>);
    expect(delivered.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    delivered.forEach((e, i) => {
      if (i === 30)
        expect(e).toMatchObject({
          truncated: true,
          seq: 31,
          hash: events[30]!.hash,
          prev_hash: events[30]!.prev_hash,
          excerpt: expect.stringMatching(/^\{"id"/),
        });
      else expect(e).toEqual(events[i]);
    });
  });

  it('maps the answers: 429/5xx retryable with Retry-After, 400/401/403/404 final', async () => {
    const events = chainedEvents([{ message: 'one' }]);
    const sink = createSplunkHecSink(config(), TOKEN);
    const send = () => sink.send(batchOf(events), AbortSignal.timeout(5000));

    receiver.failNext({ status: 429, headers: { 'retry-after': '7' }, body: '{"text":"Server is busy","code":9}' });
    expect(await failure(send())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });

    receiver.failNext({ status: 503, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }, body: '{"text":"Server is busy","code":9}' });
    const busy = await failure(send());
    expect(busy).toMatchObject({ retryable: true, status: 503 });
    expect(busy.retryAfterMs).toBeGreaterThan(100_000);

    receiver.failNext({ status: 500 });
    expect(await failure(send())).toMatchObject({ retryable: true, status: 500, retryAfterMs: undefined });

    receiver.failNext({ status: 400, body: '{"text":"Invalid data format","code":6}' });
    const invalid = await failure(send());
    expect(invalid).toMatchObject({ retryable: false, status: 400 });
    expect(invalid.message).toContain('Invalid data format');

    // Not scripted: the stand-in checks the token and the path itself.
    const wrongToken = createSplunkHecSink(config(), 'not-the-token');
    const forbidden = await failure(wrongToken.send(batchOf(events), AbortSignal.timeout(5000)));
    expect(forbidden).toMatchObject({ retryable: false, status: 403 });
    expect(forbidden.message).toContain('Invalid token');
    expect(forbidden.message).not.toContain('not-the-token');
    await wrongToken.close();

    const wrongPath = createSplunkHecSink(config({ url: `${receiver.url}/services/collector/raw` }), TOKEN);
    expect(await failure(wrongPath.send(batchOf(events), AbortSignal.timeout(5000)))).toMatchObject({ retryable: false, status: 404 });
    await wrongPath.close();

    // The same sink still delivers once the collector is healthy again.
    await send();
    expect(envelopesOf(receiver.accepted).map((e) => e.event)).toEqual(events);
    await sink.close();
  });

  it('fails retryably, without hanging, when the collector is down or never answers', async () => {
    const events = chainedEvents([{ message: 'one' }]);
    const down = createSplunkHecSink(config({ url: 'http://127.0.0.1:9' }), TOKEN);
    expect(await failure(down.send(batchOf(events), AbortSignal.timeout(5000)))).toMatchObject({ retryable: true, status: undefined });
    await down.close();

    const sink = createSplunkHecSink(config(), TOKEN);
    receiver.hangNext();
    const hung = await failure(sink.send(batchOf(events), AbortSignal.timeout(500)));
    expect(hung).toMatchObject({ retryable: true });
    expect(hung.message).toMatch(/timed out/);
    await sink.close();
  });

  it('rejects configurations HEC cannot take', async () => {
    const { splunkHecConfig } = await import('@/lib/streams/sinks/splunk-hec');
    expect(splunkHecConfig.safeParse({ url: 'http://splunk.example.com:8088' }).success).toBe(false); // plain HTTP off this machine
    expect(splunkHecConfig.safeParse({ url: 'https://splunk.example.com:8088', index: 'bad index' }).success).toBe(false);
    expect(splunkHecConfig.parse({ url: 'https://splunk.example.com:8088' })).toMatchObject({ source: 'audit-log', sourcetype: '_json', format: 'json' });
    expect(() => createSplunkHecSink({ url: 'https://splunk.example.com:8088' }, ' ')).toThrow(/token/);
  });
});
