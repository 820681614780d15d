import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { computeEntryHash, GENESIS_HASH, type ChainedFields } from '@/lib/chain/entry-hash';
import { retryDelayMs } from '@/lib/streams/backoff';
import { streamBatchId } from '@/lib/streams/batch-id';
import { openSecret, sealSecret } from '@/lib/streams/secret-box';
import { parseStreamFilter } from '@/lib/streams/stream-filter';
import { toStreamEvent } from '@/lib/streams/stream-event';
import { describeVerification, verifyReceived } from '@/lib/streams/verify-received';
import { generateWebhookSecret, webhookHeaders } from '@/lib/streams/webhook-signature';

const ORG = '0192f0a0-0000-7000-8000-000000000001';

function chain(n: number, result = (i: number) => (i % 2 ? 'failure' : 'success')) {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const fields: ChainedFields = {
      orgId: ORG,
      id: `0192f0a0-0000-7000-8000-${String(i + 1).padStart(12, '0')}`,
      seq: i + 1,
      prevHash: prev,
      occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
      actorType: 'user',
      actorId: 'u1',
      actorLabel: 'a@example.com',
      source: 'api',
      ip: '10.0.0.1',
      userAgent: null,
      requestId: null,
      action: 'update',
      objectType: 'flow',
      objectId: `f${i}`,
      objectLabel: null,
      module: null,
      project: null,
      message: `m${i}`,
      result: result(i) as 'success' | 'failure',
      errorMessage: null,
      before: { v: i },
      after: { v: i + 1 },
      changes: [{ path: 'v', before: i, after: i + 1 }],
      changedFields: ['v'],
      metadata: { n: i },
    };
    const hash = computeEntryHash(fields);
    prev = hash;
    return toStreamEvent({ ...fields, hash });
  });
}

const batch = (events: ReturnType<typeof chain>, after: number, through: number, filter = '') => ({
  type: 'audit.events',
  batch: { id: `b${after}`, after_seq: after, through_seq: through, count: events.length, filter },
  events,
});

describe('the stream verifier', () => {
  it('verifies an unbroken stream through its last seq, dropping exact duplicates and test events', () => {
    const e = chain(10);
    const items = [
      batch(e.slice(0, 5), 0, 5),
      batch(e.slice(0, 5), 0, 5),
      { type: 'audit.test', batch: {}, events: [{ ...e[0]!, seq: 0 }] },
      batch(e.slice(5), 5, 10),
    ];
    const v = verifyReceived(JSON.parse(JSON.stringify(items)));
    expect(v.ok).toBe(true);
    expect(describeVerification(v)).toBe('received 10 events in 3 batches (5 duplicates dropped) -> verified through #10');
  });

  it('names a missing entry, a changed one and a broken link', () => {
    const e = chain(10);
    const gap = verifyReceived([batch(e.slice(0, 4), 0, 4), batch(e.slice(5), 5, 10)]);
    expect(describeVerification(gap)).toBe('received 9 events in 2 batches -> verified through #4, then gap: #5 missing');
    const changed = JSON.parse(JSON.stringify(e));
    changed[6].message = 'edited';
    expect(describeVerification(verifyReceived([batch(changed, 0, 10)]))).toMatch(/verified through #6, then #7 was changed/);
    const relinked = JSON.parse(JSON.stringify(e));
    relinked[3].prev_hash = 'f'.repeat(64);
    expect(verifyReceived([batch(relinked, 0, 10)]).problem?.seq).toBe(4);
  });

  it('a filtered stream: gaps between matching entries are expected, but a batch that never came is not', () => {
    const e = chain(12);
    const failures = (from: number, to: number) => e.slice(from, to).filter((x) => x.result === 'failure');
    const ok = verifyReceived([batch(failures(0, 6), 0, 6, 'result=failure'), batch(failures(6, 12), 6, 12, 'result=failure')]);
    expect(ok.ok).toBe(true);
    expect(describeVerification(ok)).toMatch(/verified from #2 through #12; filtered stream \(result=failure\): 5 gaps between matching entries expected/);
    const lost = verifyReceived([batch(failures(0, 4), 0, 4, 'result=failure'), batch(failures(8, 12), 8, 12, 'result=failure')]);
    expect(lost.ok).toBe(false);
    expect(lost.problem?.message).toBe('gap: no batch covered #5–#8');
  });
});

describe('webhook signatures', () => {
  it('are what the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ hello: 'world' });
    const headers = webhookHeaders(secret, 'batch_x_0_1-5', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ hello: 'world' });
    expect(() => new Webhook(secret).verify(body.replace('world', 'there'), headers)).toThrow();
  });

  it('batch ids are stable per window and change with a replay generation', () => {
    expect(streamBatchId('a-b', 0, 10, 20)).toBe(streamBatchId('a-b', 0, 10, 20));
    expect(streamBatchId('a-b', 1, 10, 20)).not.toBe(streamBatchId('a-b', 0, 10, 20));
  });
});

describe('stream secrets and settings', () => {
  const key = Buffer.alloc(32, 7);
  it('seal with AES-256-GCM bound to the destination', () => {
    const sealed = sealSecret('{"token":"t"}', 'dest-1', key);
    expect(sealed).not.toContain('token');
    expect(openSecret(sealed, 'dest-1', key)).toBe('{"token":"t"}');
    expect(() => openSecret(sealed, 'dest-2', key)).toThrow();
    expect(() => openSecret(sealed, 'dest-1', Buffer.alloc(32, 8))).toThrow();
  });

  it('backoff doubles with jitter up to the maximum', () => {
    expect(retryDelayMs(1, 300_000, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 300_000, () => 1)).toBe(8000);
    expect(retryDelayMs(4, 300_000, () => 0)).toBe(4000);
    expect(retryDelayMs(40, 300_000, () => 1)).toBe(300_000);
  });

  it('filters parse through the viewer schema: parameters, a viewer URL or a search', () => {
    expect(parseStreamFilter('result=failure&action=delete')).toMatchObject({ ok: true, value: { filter: 'action=delete&result=failure' } });
    expect(parseStreamFilter('https://audit.example.com/audit?range=7d&result=failure&sort=actor.asc')).toMatchObject({
      ok: true,
      value: { filter: 'result=failure' },
    });
    expect(parseStreamFilter('action:delete -result:success')).toMatchObject({ ok: true, value: { filter: 'action=delete&not.result=success' } });
    expect(parseStreamFilter('bogus=1').ok).toBe(false);
  });
});
