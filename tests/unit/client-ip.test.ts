import { describe, expect, it } from 'vitest';
import { PEER_HEADER, resolveClientIp } from '@/lib/recording/client-ip';

const h = (peer: string | null, xff?: string) => {
  const headers = new Headers();
  if (peer !== null) headers.set(PEER_HEADER, peer);
  if (xff !== undefined) headers.set('x-forwarded-for', xff);
  return headers;
};

describe('resolveClientIp', () => {
  it('uses the direct peer and ignores a forged X-Forwarded-For by default', () => {
    expect(resolveClientIp(h('198.51.100.9', '6.6.6.6'), 0)).toBe('198.51.100.9');
    expect(resolveClientIp(h('::ffff:10.1.2.3', '6.6.6.6, 7.7.7.7'), 0)).toBe('10.1.2.3');
  });

  it('with N trusted hops, reads N entries from the right of the chain', () => {
    // client -> LB (appends client) -> app: the peer is the LB, the rightmost XFF entry is the client.
    expect(resolveClientIp(h('10.0.0.2', '6.6.6.6, 203.0.113.50'), 1)).toBe('203.0.113.50');
    // client -> CDN -> LB -> app
    expect(resolveClientIp(h('10.0.0.2', '6.6.6.6, 203.0.113.50, 172.16.0.9'), 2)).toBe('203.0.113.50');
  });

  it('never falls back to a client-written value it cannot trust', () => {
    expect(resolveClientIp(h('10.0.0.2', 'not-an-ip'), 1)).toBe('10.0.0.2');
    expect(resolveClientIp(h('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(resolveClientIp(h('10.0.0.2', '2001:db8::1'), 5)).toBe('2001:db8::1');
    expect(resolveClientIp(h(null, '6.6.6.6'), 1)).toBeNull();
    expect(resolveClientIp(h('garbage'), 0)).toBeNull();
  });
});
