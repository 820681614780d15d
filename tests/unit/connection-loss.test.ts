import { describe, expect, it } from 'vitest';
import { dropStaleBytes, isConnectionLoss, paddedApplicationName, reconnectBackoff } from '@/db/connection-loss';

/** A protocol 3.0 startup message for `user`, as postgres.js writes it. */
function startup(user: string): Buffer {
  const body = Buffer.from(`user\0${user}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

describe('recovery after lost connections (db/connection-loss.ts)', () => {
  it('drops bytes left over from a dead connection before the startup message, and nothing else', () => {
    const fresh = startup('app');
    expect(dropStaleBytes(fresh)).toEqual(fresh);
    // A simple query and a Bind that were queued for the connection that died.
    const stale = Buffer.concat([Buffer.from('Q\0\0\0\x0dselect 1\0'), Buffer.from('B\0\0\0\x0c\0\0\0\0\0\0\0\0')]);
    expect(dropStaleBytes(Buffer.concat([stale, fresh]))).toEqual(fresh);
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    expect(dropStaleBytes(Buffer.concat([stale, ssl]))).toEqual(ssl);
    expect(dropStaleBytes(stale)).toEqual(stale);
  });

  it('pads the application name past the size postgres.js writes at once', () => {
    expect(paddedApplicationName('audit-log')).toMatch(/^audit-log +$/);
    expect(paddedApplicationName('audit-log').length).toBeGreaterThanOrEqual(1024);
  });

  it('tells a lost connection from a failed statement, under Drizzle’s wrapper too', () => {
    expect(isConnectionLoss(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
    expect(isConnectionLoss({ severity: 'FATAL', code: '57P01' })).toBe(true);
    expect(isConnectionLoss(new Error('Failed query', { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isConnectionLoss({ severity: 'ERROR', code: '23505' })).toBe(false);
    expect(isConnectionLoss(new Error('boom'))).toBe(false);
  });

  it('waits at most a second between reconnect attempts', () => {
    for (const retries of [0, 1, 5, 50]) expect(reconnectBackoff(retries)).toBeLessThanOrEqual(1);
  });
});
