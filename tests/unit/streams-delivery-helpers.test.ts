import { describe, expect, it } from 'vitest';
import { oversizeStandIn } from '@/lib/streams/formats/oversize';
import { errorForStatus, parseRetryAfter } from '@/lib/streams/sinks/http-post';
import { chunkItems, joinChunk } from '@/lib/streams/sinks/request-chunks';
import { hecChannel, hecEndpoint, hecTime } from '@/lib/streams/sinks/splunk-hec';
import { chainedEvents } from '@/tests/support/stream-events';

describe('HTTP answers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('retries 408, 429 and 5xx; not other 4xx or redirects', () => {
    const retryable = (status: number) => errorForStatus('X', status, '').retryable;
    expect([408, 429, 500, 502, 503, 504].map(retryable)).toEqual([true, true, true, true, true, true]);
    expect([301, 302, 400, 401, 403, 404, 413].map(retryable)).toEqual([false, false, false, false, false, false, false]);
    expect(errorForStatus('X', 429, '', '5').retryAfterMs).toBe(5000);
    expect(errorForStatus('X', 400, '', '5').retryAfterMs).toBeUndefined();
    expect(errorForStatus('Splunk HEC', 400, '{"text":"Invalid data format",\n"code":6}').message).toBe(
      'Splunk HEC answered 400: {"text":"Invalid data format", "code":6}',
    );
  });
});

describe('request chunks', () => {
  const items = (...sizes: number[]) => sizes.map((n, i) => Buffer.alloc(n, 97 + i));

  it('packs items in order within bytes (framing included) and counts', () => {
    const groups = chunkItems(items(4, 4, 4, 4, 4), { maxBytes: 11, maxItems: 10 }, { open: 1, separator: 1, close: 1 });
    expect(groups.map((g) => g.length)).toEqual([2, 2, 1]);
    groups.forEach((g) => expect(joinChunk(g, '[', ',', ']').length).toBeLessThanOrEqual(11));
    expect(chunkItems(items(1, 1, 1, 1, 1), { maxBytes: 100, maxItems: 2 }, { open: 0, separator: 0, close: 0 }).map((g) => g.length)).toEqual([2, 2, 1]);
    expect(joinChunk(items(1, 2), '[', ',', ']').toString()).toBe('[a,bb]');
  });

  it('gives an item larger than the limit a request of its own rather than dropping it', () => {
    expect(chunkItems(items(2, 50, 2), { maxBytes: 10, maxItems: 10 }, { open: 0, separator: 1, close: 0 }).map((g) => g.map((b) => b.length))).toEqual([
      [2],
      [50],
      [2],
    ]);
  });
});

describe('oversize stand-in', () => {
  it('fits the limit exactly as measured, keeps the chain fields and marks the cut', () => {
    const [event] = chainedEvents([{ metadata: { text: 'é"\n🎉'.repeat(5000) } }]);
    const serialized = JSON.stringify(event);
    const measure = (s: string) => Buffer.byteLength(JSON.stringify({ message: s })); // as inside another JSON string
    const standIn = oversizeStandIn(event!, serialized, 4000, measure);
    expect(measure(standIn)).toBeLessThanOrEqual(4000);
    expect(measure(standIn)).toBeGreaterThan(3900);
    const parsed = JSON.parse(standIn);
    expect(parsed).toMatchObject({
      truncated: true,
      original_bytes: Buffer.byteLength(serialized),
      seq: 1,
      hash: event!.hash,
      prev_hash: event!.prev_hash,
      id: event!.id,
    });
    expect(serialized.startsWith(parsed.excerpt)).toBe(true);
    expect(parsed.excerpt).not.toMatch(/[\ud800-\udbff]$/);
  });
});

describe('Splunk HEC details', () => {
  it('adds the event path to a bare collector URL only', () => {
    expect(hecEndpoint('https://splunk.example.com:8088')).toBe('https://splunk.example.com:8088/services/collector/event');
    expect(hecEndpoint('https://splunk.example.com:8088/services/collector/event/1.0')).toBe('https://splunk.example.com:8088/services/collector/event/1.0');
  });

  it('stamps epoch seconds with milliseconds and derives a stable GUID channel', () => {
    expect(JSON.stringify({ time: hecTime('2026-11-28T12:00:00.123Z') })).toBe('{"time":1795867200.123}');
    expect(hecChannel('destination-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(hecChannel('destination-1')).toBe(hecChannel('destination-1'));
    expect(hecChannel('0E984725-C51C-4BF4-9960-E1C80E27ABA0')).toBe('0e984725-c51c-4bf4-9960-e1c80e27aba0');
  });
});
