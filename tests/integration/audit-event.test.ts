import { and, eq, getTableColumns } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { getAuditEvent } from '@/db/queries/audit-event';
import { auditEvents } from '@/db/schema';
import { recordAuditEvent } from '@/lib/recording/record';
import { REDACTED } from '@/lib/recording/redact';
import { uuidv7 } from '@/lib/ids';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

describeEachDatabase('getAuditEvent: one event by id, scoped to its organization', (ctx) => {
  const stored = async (orgId: string, id: string) =>
    (
      await ctx.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.id, id)))
    )[0];

  it('returns the full row, every column, for its own organization', async () => {
    const org = await createOrg(ctx.db, 'detail-own');
    const { id } = await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { type: 'user', id: 'u_7', label: 'erin@example.com' },
      source: 'api',
      ip: '198.51.100.4',
      userAgent: 'curl/8.5',
      requestId: 'req-detail-1',
      action: 'Publish',
      objectType: 'flow',
      objectId: 'flow_9',
      objectLabel: 'Invoice sync',
      module: 'Automation',
      project: 'payments',
      message: 'Published flow Invoice sync',
      result: 'failure',
      errorMessage: 'Validation failed: step 3',
      before: { version: 2 },
      after: { version: 3 },
      metadata: { pipeline: 'release-481' },
    });

    const event = await getAuditEvent(ctx.db, org.id, id);
    expect(event).not.toBeNull();
    expect(Object.keys(event!).sort()).toEqual(Object.keys(getTableColumns(auditEvents)).sort());
    expect(event).toEqual(await stored(org.id, id));
    expect(event).toMatchObject({
      orgId: org.id,
      id,
      actorType: 'user',
      actorId: 'u_7',
      actorLabel: 'erin@example.com',
      source: 'api',
      ip: '198.51.100.4',
      userAgent: 'curl/8.5',
      requestId: 'req-detail-1',
      action: 'publish',
      objectType: 'flow',
      objectId: 'flow_9',
      objectLabel: 'Invoice sync',
      module: 'Automation',
      project: 'payments',
      message: 'Published flow Invoice sync',
      result: 'failure',
      errorMessage: 'Validation failed: step 3',
      before: { version: 2 },
      after: { version: 3 },
      changes: [{ path: 'version', before: 2, after: 3 }],
      changedFields: ['version'],
      metadata: { pipeline: 'release-481' },
    });
    expect(event!.occurredAt).toBeInstanceOf(Date);
    expect(event!.receivedAt).toBeInstanceOf(Date);
  });

  it("returns null for another organization's event id, even though the id exists", async () => {
    const mine = await createOrg(ctx.db, 'detail-mine');
    const theirs = await createOrg(ctx.db, 'detail-theirs');
    const [foreign] = await insertEvents(ctx.db, theirs.id, 1);
    expect(await getAuditEvent(ctx.db, theirs.id, foreign!.id!)).not.toBeNull();
    expect(await getAuditEvent(ctx.db, mine.id, foreign!.id!)).toBeNull();
  });

  it('returns null for a malformed id instead of raising a cast error', async () => {
    const org = await createOrg(ctx.db, 'detail-malformed');
    const [row] = await insertEvents(ctx.db, org.id, 1);
    const malformed = ['', 'not-a-uuid', `${row!.id}x`, row!.id!.slice(0, -1), "' or 1=1 --", `${row!.id} `, '0'.repeat(32)];
    for (const id of malformed) expect(await getAuditEvent(ctx.db, org.id, id)).toBeNull();
  });

  it('returns null for a well-formed id that names no event', async () => {
    const org = await createOrg(ctx.db, 'detail-unknown');
    await insertEvents(ctx.db, org.id, 3);
    expect(await getAuditEvent(ctx.db, org.id, uuidv7())).toBeNull();
    expect(await getAuditEvent(ctx.db, org.id, '00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('shows a recorded password change as [REDACTED] in snapshots, field changes and metadata', async () => {
    const org = await createOrg(ctx.db, 'detail-redacted');
    const { id } = await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { type: 'user', id: 'u_1', label: 'admin@example.com' },
      source: 'web',
      action: 'update',
      objectType: 'user',
      objectId: 'u_2',
      before: { email: 'old@example.com', password: 'hunter2-old', profile: { apiToken: 'tok-old', name: 'Old' } },
      after: { email: 'new@example.com', password: 'hunter2-new', profile: { apiToken: 'tok-new', name: 'New' } },
      metadata: { request: { params: { email: 'new@example.com', password: 'hunter2-new' } } },
    });

    const event = await getAuditEvent(ctx.db, org.id, id);
    expect(event).not.toBeNull();
    expect(JSON.stringify(event)).not.toMatch(/hunter2|tok-old|tok-new/);
    expect(event!.before).toEqual({ email: 'old@example.com', password: REDACTED, profile: { apiToken: REDACTED, name: 'Old' } });
    expect(event!.after).toEqual({ email: 'new@example.com', password: REDACTED, profile: { apiToken: REDACTED, name: 'New' } });
    // The secret still shows up as changed, with its values withheld.
    expect(event!.changes).toEqual([
      { path: 'email', before: 'old@example.com', after: 'new@example.com' },
      { path: 'password', before: REDACTED, after: REDACTED },
      { path: 'profile.apiToken', before: REDACTED, after: REDACTED },
      { path: 'profile.name', before: 'Old', after: 'New' },
    ]);
    expect([...event!.changedFields].sort()).toEqual(['email', 'password', 'profile', 'profile.apiToken', 'profile.name']);
    expect(event!.metadata).toEqual({ request: { params: { email: 'new@example.com', password: REDACTED } } });
  });
});
