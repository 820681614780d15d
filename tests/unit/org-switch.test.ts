import { describe, expect, it } from 'vitest';
import { pathAfterOrgSwitch } from '@/lib/view/org-switch';

describe('switching organization keeps the page when it makes sense', () => {
  it('keeps the audit view, minus ids of the old organization, the open event and the page position', () => {
    const from =
      '/audit?range=7d&action=update&not.result=failure&actor=alice%40acme.test&actor_id=u_1&object=flo_1&request=req_9&id=019a8f3c-1d2e-7abc-8def-0123456789ab&sort=actor.asc&cols=time%2Cactor%2Cmodule&event=019a8f3c-1d2e-7abc-8def-0123456789ab';
    const to = new URL(pathAfterOrgSwitch(from, 'auditor'), 'http://x');
    expect(to.pathname).toBe('/audit');
    const p = to.searchParams;
    expect(p.get('range')).toBe('7d');
    expect(p.get('action')).toBe('update');
    expect(p.get('not.result')).toBe('failure');
    expect(p.get('actor')).toBe('alice@acme.test');
    expect(p.get('sort')).toBe('actor.asc');
    expect(p.get('cols')).toBe('time,actor,module');
    for (const gone of ['actor_id', 'object', 'request', 'id', 'event', 'after', 'before']) expect(p.has(gone), gone).toBe(false);
  });

  it('keeps other pages the new role may open, else lands on the role home', () => {
    expect(pathAfterOrgSwitch('/members', 'admin')).toBe('/members');
    expect(pathAfterOrgSwitch('/integrity', 'auditor')).toBe('/audit');
    expect(pathAfterOrgSwitch('/audit?range=7d', 'member')).toBe('/account');
    expect(pathAfterOrgSwitch('/account', 'member')).toBe('/account');
  });

  it('never leaves the site and ignores unknown paths', () => {
    for (const bad of ['', 'https://evil.example/audit', '//evil.example/audit', '/\\evil.example', '/nowhere', '/api/v1/events']) {
      expect(pathAfterOrgSwitch(bad, 'owner')).toBe('/audit');
    }
  });
});
