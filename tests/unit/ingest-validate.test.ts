import { describe, expect, it } from 'vitest';
import { isJsonContentType, parseJsonBytes, readBodyWithLimit } from '@/lib/ingest/read-body';
import { validateBatch } from '@/lib/ingest/validate-batch';

const now = new Date('2026-11-21T12:00:00.000Z');
const event = { action: 'Invoice.Paid', object: { type: 'invoice' } };

describe('ingest batch validation', () => {
  it('accepts one object or an array, lower-cases the action and defaults the result', () => {
    const single = validateBatch(event, now);
    expect(single.ok && single.events.map((e) => [e.action, e.result])).toEqual([['invoice.paid', 'success']]);
    const many = validateBatch([event, event], now);
    expect(many.ok && many.events).toHaveLength(2);
  });

  it('accepts occurred_at with an offset up to 5 minutes ahead, and nothing later or without an offset', () => {
    const at = (occurred_at: string) => validateBatch({ ...event, occurred_at }, now).ok;
    expect(at('2026-11-21T14:04:00+02:00')).toBe(true);
    expect(at('2026-11-21T12:06:00Z')).toBe(false);
    expect(at('2026-11-21T11:00:00')).toBe(false);
  });

  it('names unknown fields at any level, one error per field', () => {
    const result = validateBatch({ ...event, actor: { type: 'user', label: 'x', email: 'x@y' }, tenant: 'other' }, now);
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== 'validation_failed') return;
    expect(result.errors).toEqual([
      { index: 0, path: 'actor.email', message: 'Unknown field "email".' },
      { index: 0, path: 'tenant', message: 'Unknown field "tenant".' },
    ]);
  });

  it('rejects non-objects, empty batches and more than 1,000 events', () => {
    const bad = validateBatch([event, 42, null], now);
    expect(!bad.ok && bad.reason === 'validation_failed' && bad.errors.map((e) => e.index)).toEqual([1, 2]);
    expect(validateBatch([], now)).toMatchObject({ ok: false, reason: 'validation_failed' });
    expect(
      validateBatch(
        Array.from({ length: 1001 }, () => event),
        now,
      ),
    ).toEqual({ ok: false, reason: 'too_many_events', count: 1001 });
  });

  it('accepts only IP addresses the inet column can store', () => {
    const ip = (value: string) => validateBatch({ ...event, ip: value }, now).ok;
    expect(ip('203.0.113.7')).toBe(true);
    expect(ip('2001:db8::1')).toBe(true);
    expect(ip('fe80::1%eth0')).toBe(false);
    expect(ip('example.com')).toBe(false);
  });
});

describe('ingest body reading', () => {
  const request = (body: string, headers: Record<string, string> = {}) => new Request('http://x/', { method: 'POST', body, headers });

  it('counts the bytes actually received, not only the declared length', async () => {
    expect(await readBodyWithLimit(request('x'.repeat(11)), 10)).toEqual({ ok: false, reason: 'too_large' });
    expect(await readBodyWithLimit(request('x', { 'content-length': '11' }), 10)).toEqual({ ok: false, reason: 'too_large' });
    const ok = await readBodyWithLimit(request('é'.repeat(5)), 10);
    expect(ok.ok && ok.bytes.length).toBe(10);
  });

  it('accepts JSON media types in UTF-8 only', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=UTF-8')).toBe(true);
    expect(isJsonContentType('application/cloudevents-batch+json')).toBe(true);
    expect(isJsonContentType('application/json; charset=latin1')).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });

  it('refuses invalid UTF-8 and invalid JSON with a reason', () => {
    expect(parseJsonBytes(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ ok: false, message: 'The body is not valid UTF-8.' });
    expect(parseJsonBytes(Buffer.from('{"a":'))).toMatchObject({ ok: false });
    expect(parseJsonBytes(Buffer.from('[1]'))).toEqual({ ok: true, value: [1] });
  });
});

describe('ingest input JSON cannot keep exactly', () => {
  const errorsOf = (body: string) => {
    const parsed = parseJsonBytes(Buffer.from(body));
    if (!parsed.ok) throw new Error(parsed.message);
    const result = validateBatch(parsed.value, now);
    return result.ok || result.reason !== 'validation_failed' ? [] : result.errors;
  };

  it('refuses a __proto__ key at any level instead of dropping it', () => {
    expect(errorsOf('{"action":"a","object":{"type":"t"},"metadata":{"__proto__":{"admin":true}}}')).toEqual([
      { index: 0, path: 'metadata.__proto__', message: 'The key "__proto__" is not allowed.' },
    ]);
    expect(errorsOf('[{"action":"a","object":{"type":"t"}},{"action":"a","object":{"type":"t"},"__proto__":1}]').map((e) => e.index)).toEqual([1]);
  });

  it('refuses lone surrogates in values and keys', () => {
    expect(errorsOf('{"action":"a","object":{"type":"t"},"message":"x\\ud800y"}').map((e) => e.path)).toEqual(['message']);
    expect(errorsOf('{"action":"a","object":{"type":"t"},"after":{"k\\udc00":1}}').map((e) => e.path)).toEqual(['after.k\udc00']);
    // A proper pair (an emoji written as escapes) is fine.
    expect(errorsOf('{"action":"a","object":{"type":"t"},"message":"\\ud83d\\ude00"}')).toEqual([]);
  });

  it('refuses overflowing numbers and integers beyond 2^53 rather than rounding them', () => {
    expect(errorsOf('{"action":"a","object":{"type":"t"},"after":{"n":1e400}}')).toEqual([{ index: 0, path: 'after.n', message: 'Number is out of range.' }]);
    expect(errorsOf('{"action":"a","object":{"type":"t"},"metadata":{"id":9007199254740993}}').map((e) => e.path)).toEqual(['metadata.id']);
    expect(errorsOf('{"action":"a","object":{"type":"t"},"metadata":{"id":9007199254740991,"f":0.5,"big":"9007199254740993"}}')).toEqual([]);
  });
});
