import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from '@/lib/auth/callback-url';

describe('safeCallbackPath', () => {
  it('keeps a same-origin path with its search params', () => {
    expect(safeCallbackPath('/audit?size=25&cursor=abc')).toBe('/audit?size=25&cursor=abc');
  });
  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
    'audit',
    '/login?callbackUrl=/x',
    '/api/auth/signout',
    '/audit\n',
  ])('falls back to /audit for %j', (raw) => {
    expect(safeCallbackPath(raw)).toBe('/audit');
  });
  it.each(['/.//evil.test', '/audit/..//evil.test', '/%2e%2e//evil.test', '/%2E//evil.test/x?y=1', '/./\\evil.test', '/a/b/../..//evil.test'])(
    'never returns a protocol-relative target after dot-segment normalisation: %j',
    (raw) => {
      const target = safeCallbackPath(raw);
      expect(target.startsWith('//') || target.startsWith('/\\')).toBe(false);
      expect(new URL(target, 'https://app.example').origin).toBe('https://app.example');
    },
  );
  it('ignores non-strings', () => {
    expect(safeCallbackPath(null)).toBe('/audit');
    expect(safeCallbackPath(['/audit?x=1'])).toBe('/audit');
  });
});
