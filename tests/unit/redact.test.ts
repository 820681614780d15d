import { describe, expect, it } from 'vitest';
import { buildAuditRow } from '@/lib/recording/record';
import { createRedactor, REDACTED } from '@/lib/recording/redact';

describe('redaction', () => {
  const r = createRedactor(['ssn']);

  it('matches sensitive names case- and separator-insensitively, at any depth, and honours the configured list', () => {
    for (const key of ['password', 'Password', 'password_hash', 'apiKey', 'X-Api-Key', 'client_secret', 'accessToken', 'Authorization', 'set-cookie', 'SSN']) {
      expect(r.isSensitive(key)).toBe(true);
    }
    for (const key of ['name', 'author', 'role', 'keyboard', 'limits']) expect(r.isSensitive(key)).toBe(false);
    expect(r.value({ a: [{ b: { token: 'x', keep: 1 } }], ssn: '123' })).toEqual({ a: [{ b: { token: REDACTED, keep: 1 } }], ssn: REDACTED });
  });

  it('keeps null secrets null so "was a password set?" stays answerable', () => {
    expect(r.value({ password: null })).toEqual({ password: null });
  });

  it('records that a secret changed without recording either value', () => {
    const row = buildAuditRow(
      {
        orgId: 'o',
        actor: { type: 'system', id: null, label: 's' },
        source: 'system',
        action: 'UPDATE',
        objectType: 'user',
        before: { password: 'a', name: 'x' },
        after: { password: 'b', name: 'x' },
      },
      r,
    );
    expect(row.action).toBe('update');
    expect(row.changes).toEqual([{ path: 'password', before: REDACTED, after: REDACTED }]);
    expect(row.changedFields).toEqual(['password']);
    expect(JSON.stringify(row)).not.toMatch(/"a"|"b"/);
  });
});
