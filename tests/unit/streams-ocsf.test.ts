import { describe, expect, it } from 'vitest';
import { ocsfActivityId, OCSF_VERSION, toOcsfApiActivity } from '@/lib/streams/formats/ocsf';
import { chainedEvents } from '@/tests/support/stream-events';

describe('OCSF API Activity', () => {
  it('reads the activity from the action verb', () => {
    expect(['member.create', 'create_user', 'invitation.added'].map(ocsfActivityId)).toEqual([1, 1, 1]);
    expect(['report.export', 'audit_log.read', 'events:list'].map(ocsfActivityId)).toEqual([2, 2, 2]);
    expect(['settings.update', 'member.role.changed'].map(ocsfActivityId)).toEqual([3, 3]);
    expect(['api_key.delete', 'member.remove'].map(ocsfActivityId)).toEqual([4, 4]);
    expect(['login', 'lockout', 'api_key.revoke', ''].map(ocsfActivityId)).toEqual([99, 99, 99, 99]);
  });

  it('maps an entry to class 6003 with its chain position kept', () => {
    const [event] = chainedEvents([{ action: 'member.delete', result: 'failure', metadata: { ticket: 'T-1' } }]);
    const ocsf = toOcsfApiActivity({ ...event!, module: 'admin' });
    expect(ocsf).toEqual({
      category_uid: 6,
      category_name: 'Application Activity',
      class_uid: 6003,
      class_name: 'API Activity',
      activity_id: 4,
      activity_name: 'Delete',
      type_uid: 600304,
      type_name: 'API Activity: Delete',
      time: Date.parse(event!.occurred_at),
      severity_id: 2,
      severity: 'Low',
      status_id: 2,
      status: 'Failure',
      status_detail: 'Permission denied',
      message: 'Event 1',
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'Audit Log', vendor_name: 'Audit Log', version: expect.any(String) },
        uid: event!.id,
        tenant_uid: event!.org_id,
        sequence: 1,
        original_time: event!.occurred_at,
      },
      actor: { user: { type_id: 1, type: 'user', uid: 'user-42', name: 'Zoë Ågren' } },
      api: { operation: 'member.delete', service: { name: 'Audit Log' }, request: { uid: 'req-1' } },
      src_endpoint: { ip: '203.0.113.9' },
      http_request: { user_agent: 'curl/8.5' },
      resources: [{ type: 'member', uid: 'm-1', name: 'Member "one" [admin]' }],
      unmapped: { prev_hash: event!.prev_hash, hash: event!.hash, source: 'api', module: 'admin', metadata: { ticket: 'T-1' } },
    });
  });

  it('succeeds quietly, and names an endpoint even without an address', () => {
    const [event] = chainedEvents([{ ip: null, action: 'login' }]);
    const ocsf = toOcsfApiActivity({ ...event!, actor: { type: 'api_key', id: 'k1', label: 'CI key' } });
    expect(ocsf).toMatchObject({ activity_id: 99, type_uid: 600399, status_id: 1, severity_id: 1, src_endpoint: { name: 'api' } });
    expect(ocsf.actor).toEqual({ user: { type_id: 99, type: 'api_key', uid: 'k1', name: 'CI key' } });
    expect(ocsf).not.toHaveProperty('status_detail');
  });
});
