import { describe, expect, it } from 'vitest';
import { handedOverRefusal, isPageFormPost, originMismatch, refusalProof } from '@/lib/auth/cross-origin';

const h = (init: Record<string, string>) => new Headers(init);

describe('originMismatch (the server-action origin check, done before Next does it)', () => {
  it('lets a same-origin request and one without an Origin through', () => {
    expect(originMismatch(h({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }))).toBeNull();
    expect(originMismatch(h({ host: '127.0.0.1:3000' }))).toBeNull();
    // Behind a proxy the first X-Forwarded-Host is what the browser addressed.
    expect(originMismatch(h({ origin: 'https://audit.example', host: 'app:3000', 'x-forwarded-host': 'audit.example, lb.internal' }))).toBeNull();
  });

  it('flags another host or port, a "null" Origin and a malformed one (Next answered those with a 500)', () => {
    expect(originMismatch(h({ origin: 'http://localhost:3001', host: 'localhost:3000' }))).toEqual({ origin: 'http://localhost:3001', host: 'localhost:3000' });
    expect(originMismatch(h({ origin: 'null', host: 'localhost:3000' }))).toEqual({ origin: 'null', host: 'localhost:3000' });
    expect(originMismatch(h({ origin: 'not a url', host: 'localhost:3000' }))).toEqual({ origin: 'not a url', host: 'localhost:3000' });
    expect(originMismatch(h({ origin: 'https://audit.example', host: 'audit.example', 'x-forwarded-host': 'evil.example' }))).not.toBeNull();
  });
});

describe('isPageFormPost', () => {
  it('is a POST carrying a server action or a form body', () => {
    expect(isPageFormPost('POST', h({ 'next-action': 'abc', 'content-type': 'text/plain;charset=UTF-8' }))).toBe(true);
    expect(isPageFormPost('POST', h({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe(true);
    expect(isPageFormPost('POST', h({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(true);
    expect(isPageFormPost('POST', h({ 'content-type': 'application/json' }))).toBe(false);
    expect(isPageFormPost('GET', h({ 'next-action': 'abc' }))).toBe(false);
  });
});

describe('the refusal hand-off from the proxy to the recording route', () => {
  const fields = { requestId: 'req-1', origin: 'https://evil.test', host: 'audit.example', path: '/members' };
  const handed = async (secret: string, overrides: Record<string, string> = {}) =>
    new Headers({
      'x-refused-origin': fields.origin,
      'x-refused-host': fields.host,
      'x-refused-path': fields.path,
      'x-refusal-proof': await refusalProof(secret, fields),
      ...overrides,
    });

  it('accepts what the proxy signed, and only for that request id', async () => {
    expect(await handedOverRefusal('s3cret', await handed('s3cret'), 'req-1')).toEqual({ origin: fields.origin, host: fields.host, path: '/members' });
    expect(await handedOverRefusal('s3cret', await handed('s3cret'), 'req-2')).toBeNull();
  });

  it('refuses forged or altered headers and a proof made with another secret', async () => {
    expect(await handedOverRefusal('s3cret', await handed('other'), 'req-1')).toBeNull();
    expect(await handedOverRefusal('s3cret', await handed('s3cret', { 'x-refused-path': '/settings' }), 'req-1')).toBeNull();
    expect(await handedOverRefusal('s3cret', new Headers({ 'x-refused-origin': 'x', 'x-refused-path': '/' }), 'req-1')).toBeNull();
  });
});
