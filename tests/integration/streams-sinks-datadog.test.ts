import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '@/lib/streams/sink';
import { createDatadogLogsSink, datadogLogsConfig, type DatadogLogsConfig } from '@/lib/streams/sinks/datadog-logs';
import { startHttpReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from '@/tests/support/http-receiver';
import { verifyReceived } from '@/lib/streams/verify-received';
import { AWKWARD_SEEDS, batchOf, chainedEvents, checkpointKey, signedCheckpoint } from '@/tests/support/stream-events';

const API_KEY = 'dd0123456789abcdef0123456789abcd';
// The intake's documented limits (uncompressed), checked here with the binary reading of "MB".
const MAX_PAYLOAD = 5 * 1024 * 1024;
const MAX_ENTRIES = 1000;
const MAX_LOG = 1024 * 1024;
const ITEM_KEYS = ['ddsource', 'ddtags', 'hostname', 'message', 'service'];

let oversizeLogs = 0;

/** A stand-in for POST /api/v2/logs as Datadog documents it: 202 on success, 400/403/413 on bad input. */
function intake(request: ReceivedRequest): Answer {
  if (request.method !== 'POST' || request.path !== '/api/v2/logs') return { status: 404, body: '{"errors":["Not found"]}' };
  if (request.headers['dd-api-key'] !== API_KEY) return { status: 403, body: '{"errors":["Forbidden"]}' };
  if (request.headers['content-type'] !== 'application/json') return { status: 400, body: '{"errors":["Bad content type"]}' };
  if (request.body.length > MAX_PAYLOAD) return { status: 413, body: '{"errors":["Payload too large"]}' };
  const items = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>[];
  if (!Array.isArray(items) || items.length > MAX_ENTRIES) return { status: 400, body: '{"errors":["Too many entries"]}' };
  for (const item of items) {
    if (Object.keys(item).sort().join() !== ITEM_KEYS.join() || Object.values(item).some((v) => typeof v !== 'string'))
      return { status: 400, body: '{"errors":["Bad item"]}' };
    // Datadog would accept and cut such a log: count them, the sink must never send one.
    if (Buffer.byteLength(JSON.stringify(item)) > MAX_LOG) oversizeLogs++;
  }
  return { status: 202, body: '{}' };
}

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await startHttpReceiver(intake);
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.accepted.length = 0;
  receiver.all.length = 0;
  oversizeLogs = 0;
});

const config = (extra: Partial<DatadogLogsConfig> = {}): DatadogLogsConfig => ({
  url: `${receiver.url}/api/v2/logs`,
  hostname: 'audit.example.com',
  service: 'audit-log',
  tags: ['env:test', 'team:security'],
  ...extra,
});
const itemsOf = (requests: ReceivedRequest[]) => requests.flatMap((r) => JSON.parse(r.body.toString('utf8')) as Record<string, string>[]);

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('Datadog logs sink', () => {
  it('posts a gzipped JSON array of logs with DD-API-KEY, the entry as the message', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const sink = createDatadogLogsSink(config(), API_KEY);
    await sink.send(batchOf(events), AbortSignal.timeout(5000));
    await sink.close();

    expect(receiver.accepted).toHaveLength(1);
    const request = receiver.accepted[0]!;
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.wireBytes).toBeLessThan(request.body.length);
    const items = itemsOf(receiver.accepted);
    expect(items.map((i) => [i.ddsource, i.ddtags, i.hostname, i.service])).toEqual(
      events.map(() => ['audit-log', 'env:test,team:security', 'audit.example.com', 'audit-log']),
    );
    expect(items.map((i) => JSON.parse(i.message!))).toEqual(events);
  });

  it('sends signed checkpoints after the entries, tagged audit.kind:checkpoint, as their own record in either format', async () => {
    const events = chainedEvents(AWKWARD_SEEDS);
    const key = checkpointKey(events[0]!.org_id);
    const checkpoints = [signedCheckpoint(events, 3, key.privateKey), signedCheckpoint(events, 5, key.privateKey)];
    const sink = createDatadogLogsSink(config({ format: 'ocsf' }), API_KEY);
    await sink.send({ ...batchOf(events), checkpoints }, AbortSignal.timeout(5000));
    await sink.close();
    const items = itemsOf(receiver.accepted);
    expect(items.map((i) => i.ddtags)).toEqual([
      ...events.map(() => 'env:test,team:security'),
      ...checkpoints.map(() => 'env:test,team:security,audit.kind:checkpoint'),
    ]);
    expect(items.slice(-2).map((i) => JSON.parse(i.message!))).toEqual(checkpoints);
    // OCSF entries carry their chain fields elsewhere; the checkpoints still check against a stream sent as JSON.
    receiver.accepted.length = 0;
    const json = createDatadogLogsSink(config(), API_KEY);
    await json.send({ ...batchOf(events), checkpoints }, AbortSignal.timeout(5000));
    await json.close();
    const v = verifyReceived(itemsOf(receiver.accepted), { key: key.vkey });
    expect(v.problem).toBeNull();
    expect(v.checkpoints.rootsMatched).toBe(2);
  });

  it('sends uncompressed, and OCSF, when configured so', async () => {
    const events = chainedEvents([{ action: 'member.update' }]);
    const sink = createDatadogLogsSink(config({ compress: false, format: 'ocsf' }), API_KEY);
    await sink.send(batchOf(events), AbortSignal.timeout(5000));
    await sink.close();
    expect(receiver.accepted[0]!.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(itemsOf(receiver.accepted)[0]!.message!)).toMatchObject({ class_uid: 6003, activity_id: 3, type_uid: 600303, metadata: { sequence: 1 } });
  });

  it('keeps every request within 1000 entries, in order', async () => {
    const events = chainedEvents(Array.from({ length: 2500 }, (_, i) => ({ message: `n${i}` })));
    const sink = createDatadogLogsSink(config(), API_KEY);
    await sink.send(batchOf(events), AbortSignal.timeout(20_000));
    await sink.close();
    expect(receiver.accepted.map((r) => (JSON.parse(r.body.toString('utf8')) as unknown[]).length)).toEqual([1000, 1000, 500]);
    expect(itemsOf(receiver.accepted).map((i) => JSON.parse(i.message!).seq)).toEqual(events.map((e) => e.seq));
  });

  it('keeps every request within 5 MB and cuts a lone oversize entry to a marked stand-in instead of blocking', async () => {
    const big = { blob: 'b'.repeat(900_000) };
    const seeds = [
      ...Array.from({ length: 11 }, (_, i) => ({ message: `big ${i}`, metadata: big })),
      { message: 'huge', metadata: { blob: 'h"\n'.repeat(900_000) } }, // 2.7 MB of text that escaping makes larger still
      { message: 'after the huge one' },
    ];
    const events = chainedEvents(seeds);
    const sink = createDatadogLogsSink(config(), API_KEY);
    await sink.send(batchOf(events), AbortSignal.timeout(20_000));
    await sink.close();

    expect(receiver.all.every((r) => r.body.length <= 5_000_000)).toBe(true);
    expect(receiver.accepted.length).toBeGreaterThanOrEqual(3);
    expect(oversizeLogs).toBe(0);
    const items = itemsOf(receiver.accepted);
    expect(items.map((i) => JSON.parse(i.message!).seq)).toEqual(events.map((e) => e.seq));
    items.slice(0, 11).forEach((item, i) => expect(JSON.parse(item.message!)).toEqual(events[i]));
    const huge = items[11]!;
    expect(huge.ddtags).toBe('env:test,team:security,truncated:true');
    const standIn = JSON.parse(huge.message!);
    expect(standIn).toMatchObject({ truncated: true, seq: 12, id: events[11]!.id, hash: events[11]!.hash, prev_hash: events[11]!.prev_hash });
    expect(standIn.original_bytes).toBeGreaterThan(2_700_000);
    expect(standIn.excerpt.length).toBeGreaterThan(100_000);
    expect(JSON.parse(items[12]!.message!)).toEqual(events[12]);
  });

  it('maps the answers: 429/5xx retryable with Retry-After, 400/403/413 final', async () => {
    const events = chainedEvents([{ message: 'one' }]);
    const sink = createDatadogLogsSink(config(), API_KEY);
    const send = () => sink.send(batchOf(events), AbortSignal.timeout(5000));

    receiver.failNext({ status: 429, headers: { 'retry-after': '3' } });
    expect(await failure(send())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
    receiver.failNext({ status: 500 }, { status: 502 }, { status: 408 });
    for (const status of [500, 502, 408]) expect(await failure(send())).toMatchObject({ retryable: true, status });
    receiver.failNext({ status: 400, body: '{"errors":["Bad request"]}' }, { status: 413 });
    for (const status of [400, 413]) expect(await failure(send())).toMatchObject({ retryable: false, status });

    const wrongKey = createDatadogLogsSink(config(), 'wrong-key');
    const forbidden = await failure(wrongKey.send(batchOf(events), AbortSignal.timeout(5000)));
    expect(forbidden).toMatchObject({ retryable: false, status: 403 });
    expect(forbidden.message).not.toContain('wrong-key');
    await wrongKey.close();

    receiver.hangNext();
    expect(await failure(sink.send(batchOf(events), AbortSignal.timeout(300)))).toMatchObject({ retryable: true });

    await send();
    expect(itemsOf(receiver.accepted).map((i) => JSON.parse(i.message!))).toEqual(events);
    await sink.close();
  });

  it('validates its configuration', () => {
    expect(datadogLogsConfig.parse({})).toMatchObject({
      url: 'https://http-intake.logs.datadoghq.com/api/v2/logs',
      service: 'audit-log',
      source: 'audit-log',
      compress: true,
    });
    expect(datadogLogsConfig.safeParse({ tags: ['has space'] }).success).toBe(false);
    expect(datadogLogsConfig.safeParse({ url: 'ftp://example.com' }).success).toBe(false);
    expect(() => createDatadogLogsSink({}, '')).toThrow(/API key/);
  });
});
