import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { apiKeys, auditEvents, memberships, organizations } from '@/db/schema';
import { createApiKeyOperation, revokeApiKeyOperation } from '@/lib/operations/api-keys';
import { inviteMemberOperation } from '@/lib/operations/invitations';
import { changeRoleOperation, removeMemberOperation } from '@/lib/operations/members';
import { updateSettingsOperation } from '@/lib/operations/settings';
import { acceptInvitation } from '@/lib/operations/accept-invitation';
import { executeAudited } from '@/lib/recording/operation';
import { recordAuditEvent } from '@/lib/recording/record';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { actingAs, rowsOf } from './context';
import { describeEachDatabase } from './databases';

describeEachDatabase('audited mutations', (ctx) => {
  const eventsOf = (orgId: string) => ctx.db.select().from(auditEvents).where(eq(auditEvents.orgId, orgId)).orderBy(auditEvents.occurredAt);

  it('records a mutation with actor, request, before/after and field changes in the same transaction', async () => {
    const owner = await actingAs(ctx.db, 'owner1@example.com', 'owner');
    const result = await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Renamed Inc', timeZone: 'Europe/Paris', retentionDays: '400' });
    expect(result.ok).toBe(true);
    const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, owner.org.orgId));
    expect(org).toMatchObject({ name: 'Renamed Inc', timeZone: 'Europe/Paris', retentionDays: 400 });
    const [event] = await eventsOf(owner.org.orgId);
    expect(event).toMatchObject({
      action: 'update',
      objectType: 'settings',
      actorType: 'user',
      actorId: owner.user.id,
      actorLabel: 'owner1@example.com',
      source: 'web',
      ip: '203.0.113.7',
      userAgent: 'vitest',
      requestId: owner.request.requestId,
      result: 'success',
    });
    expect(event!.before).toMatchObject({ time_zone: 'UTC', retention_days: 365 });
    expect(event!.after).toMatchObject({ name: 'Renamed Inc', time_zone: 'Europe/Paris', retention_days: 400 });
    expect([...event!.changedFields].sort()).toEqual(['name', 'retention_days', 'time_zone']);
  });

  it('rolls the mutation back when its audit entry cannot be written', async () => {
    const owner = await actingAs(ctx.db, 'owner2@example.com', 'owner');
    // Make every audit insert for this organization fail, as a full disk or a broken constraint would.
    await ctx.db.execute(
      sql.raw(`
      create or replace function fail_audit_insert() returns trigger language plpgsql as $$
      begin if new.org_id = '${owner.org.orgId}' then raise exception 'audit storage unavailable'; end if; return new; end $$;`),
    );
    await ctx.db.execute(sql`create trigger fail_audit_insert before insert on audit_events for each row execute function fail_audit_insert()`);
    try {
      const result = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'ghost@example.com', role: 'admin' });
      expect(result.ok).toBe(false);
      const members = await ctx.db.select().from(memberships).where(eq(memberships.orgId, owner.org.orgId));
      expect(members.map((m) => m.userId)).toEqual([owner.user.id]);
      const ghost = rowsOf(await ctx.db.execute(sql`select 1 from invitations where email = 'ghost@example.com'`));
      expect(ghost).toHaveLength(0); // the invitation was rolled back with its entry
    } finally {
      await ctx.db.execute(sql`drop trigger fail_audit_insert on audit_events`);
    }
  });

  it('records a denied attempt as a failure and changes nothing', async () => {
    const auditor = await actingAs(ctx.db, 'auditor1@example.com', 'auditor');
    const result = await executeAudited(ctx.db, inviteMemberOperation, auditor, { email: 'intruder@example.com', role: 'owner' });
    expect(result).toMatchObject({ ok: false, error: 'Permission denied: an auditor may not invite a member.' });
    expect(await ctx.db.select().from(memberships).where(eq(memberships.orgId, auditor.org.orgId))).toHaveLength(1);
    const [event] = await eventsOf(auditor.org.orgId);
    expect(event).toMatchObject({
      action: 'create',
      objectType: 'invitation',
      result: 'failure',
      errorMessage: 'Permission denied: an auditor may not invite a member.',
      before: null,
      after: null,
    });
    expect(event!.metadata).toMatchObject({ request: { params: { email: 'intruder@example.com', role: 'owner' } } });
  });

  it('rejects invalid input on the server with field errors, recorded as a failure', async () => {
    const admin = await actingAs(ctx.db, 'admin1@example.com', 'admin');
    const result = await executeAudited(ctx.db, updateSettingsOperation, admin, { name: '', timeZone: 'Mars/Base', retentionDays: '0' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(['name', 'retentionDays', 'timeZone']);
    const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, admin.org.orgId));
    expect(org!.retentionDays).toBe(365);
    const [event] = await eventsOf(admin.org.orgId);
    expect(event!.result).toBe('failure');
    expect(event!.errorMessage).toMatch(/^Validation failed: /);
  });

  it('never removes or demotes the last owner, and says why', async () => {
    const owner = await actingAs(ctx.db, 'solo-owner@example.com', 'owner');
    const demote = await executeAudited(ctx.db, changeRoleOperation, owner, { userId: owner.user.id, role: 'admin' });
    const remove = await executeAudited(ctx.db, removeMemberOperation, owner, { userId: owner.user.id });
    expect(demote).toMatchObject({ ok: false, error: expect.stringContaining('last owner') });
    expect(remove).toMatchObject({ ok: false, error: expect.stringContaining('last owner') });
    const [m] = await ctx.db.select().from(memberships).where(eq(memberships.orgId, owner.org.orgId));
    expect(m!.role).toBe('owner');
    const failures = (await eventsOf(owner.org.orgId)).filter((e) => e.result === 'failure');
    expect(failures.map((e) => [e.action, e.objectId])).toEqual([
      ['update', owner.user.id],
      ['delete', owner.user.id],
    ]);

    // With a second owner, the first may step down; an admin may not touch owners at all.
    const invited = await executeAudited(ctx.db, inviteMemberOperation, owner, { email: 'second-owner@example.com', role: 'owner' });
    if (!invited.ok) throw new Error(invited.error);
    const token = invited.data.path.split('/').pop()!;
    const added = await acceptInvitation(
      ctx.db,
      token,
      { kind: 'new-account', input: { name: 'Second', password: 'second-owner-pass', confirmPassword: 'second-owner-pass' } },
      owner.request,
    );
    expect(added.ok).toBe(true);
    expect((await executeAudited(ctx.db, changeRoleOperation, owner, { userId: owner.user.id, role: 'admin' })).ok).toBe(true);
    const admin = { ...owner, org: { ...owner.org, role: 'admin' as const } };
    const [second] = rowsOf<{ id: string }>(await ctx.db.execute(sql`select id from users where email = 'second-owner@example.com'`));
    const secondId = second!.id;
    expect(await executeAudited(ctx.db, removeMemberOperation, admin, { userId: secondId })).toMatchObject({
      ok: false,
      error: 'Only an owner can grant or change the owner role.',
    });
  });

  it('invites by email with a single-use link that is never stored or recorded in clear', async () => {
    const admin = await actingAs(ctx.db, 'admin2@example.com', 'admin');
    const result = await executeAudited(ctx.db, inviteMemberOperation, admin, { email: '  New.Person@Example.com ', role: 'auditor' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.email).toBe('new.person@example.com');
    const token = result.data.path.split('/').pop()!;
    expect(token).toMatch(/^[\w-]{43}$/);
    const dump = JSON.stringify(await eventsOf(admin.org.orgId)) + JSON.stringify(rowsOf(await ctx.db.execute(sql`select * from invitations`)));
    expect(dump).not.toContain(token);
    expect(await executeAudited(ctx.db, inviteMemberOperation, admin, { email: 'admin2@example.com', role: 'auditor' })).toMatchObject({
      ok: false,
      fieldErrors: { email: ['Already a member.'] },
    });
  });

  it('creates API keys shown once and stored as a hash; revoking them stops authentication', async () => {
    const admin = await actingAs(ctx.db, 'admin3@example.com', 'admin');
    const created = await executeAudited(ctx.db, createApiKeyOperation, admin, { name: 'CI deploy' });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const { key, prefix, id } = created.data;
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    const stored = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(JSON.stringify(stored)).not.toContain(key.slice(prefix.length + 1));
    expect(JSON.stringify(await eventsOf(admin.org.orgId))).not.toContain(key.slice(prefix.length + 1));
    const [event] = await eventsOf(admin.org.orgId);
    expect(event).toMatchObject({ action: 'generate', objectType: 'api_key', objectId: id });

    expect(await authenticateApiKey(ctx.db, `Bearer ${key}`)).toMatchObject({ orgId: admin.org.orgId, keyId: id });
    expect(await authenticateApiKey(ctx.db, `Bearer ${key.slice(0, -1)}x`)).toBeNull();
    expect((await executeAudited(ctx.db, revokeApiKeyOperation, admin, { keyId: id })).ok).toBe(true);
    expect(await authenticateApiKey(ctx.db, `Bearer ${key}`)).toBeNull();
    const revoke = (await eventsOf(admin.org.orgId)).find((e) => e.action === 'delete');
    expect(revoke?.changes).toEqual([{ path: 'status', before: 'active', after: 'revoked' }]);
  });

  it('keeps secrets out of before, after, changes and metadata at any depth', async () => {
    const owner = await actingAs(ctx.db, 'owner3@example.com', 'owner');
    await recordAuditEvent(ctx.db, {
      orgId: owner.org.orgId,
      actor: { type: 'system', id: null, label: 'test' },
      source: 'system',
      action: 'update',
      objectType: 'connector',
      before: { name: 'pg', password: 'hunter2-old', credentials: { token: 'tok-old-123' }, hooks: [{ url: 'x', apiKey: 'ak-old-999' }] },
      after: { name: 'pg', password: 'hunter2-new', credentials: { token: 'tok-new-456' }, hooks: [{ url: 'x', apiKey: 'ak-new-000' }] },
      metadata: { headers: { Authorization: 'Bearer sekrit-abc', Cookie: 'sid=zzz-cookie' }, client_secret: 'cs-777' },
    });
    const raw = JSON.stringify(
      rowsOf(await ctx.db.execute(sql`select before, after, changes, metadata, changed_fields from audit_events where org_id = ${owner.org.orgId}`)),
    );
    for (const secret of ['hunter2', 'tok-old', 'tok-new', 'ak-old', 'ak-new', 'sekrit', 'zzz-cookie', 'cs-777']) expect(raw).not.toContain(secret);
    const [event] = await eventsOf(owner.org.orgId);
    expect(event!.changes).toEqual([
      { path: 'credentials.token', before: '[REDACTED]', after: '[REDACTED]' },
      { path: 'hooks.0.apiKey', before: '[REDACTED]', after: '[REDACTED]' },
      { path: 'password', before: '[REDACTED]', after: '[REDACTED]' },
    ]);
    expect(event!.after).toMatchObject({ name: 'pg', password: '[REDACTED]' });
  });

  it("is append-only: UPDATE, DELETE and TRUNCATE are refused; only audit_owner (retention's functions) may delete", async () => {
    const owner = await actingAs(ctx.db, 'owner4@example.com', 'owner');
    await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Append Only', timeZone: 'UTC', retentionDays: '365' });
    const [event] = await eventsOf(owner.org.orgId);
    await expect(ctx.db.update(auditEvents).set({ message: 'tampered' }).where(eq(auditEvents.orgId, owner.org.orgId))).rejects.toThrow();
    await expect(ctx.db.delete(auditEvents).where(eq(auditEvents.orgId, owner.org.orgId))).rejects.toThrow();
    await expect(ctx.db.execute(sql`truncate audit_events`)).rejects.toThrow();
    const [still] = await eventsOf(owner.org.orgId);
    expect(still!.message).toBe(event!.message);

    // The old escape hatch, a setting any role could set, opens nothing any more.
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('audit.retention', 'on', true)`);
        await tx.delete(auditEvents).where(and(eq(auditEvents.orgId, owner.org.orgId), eq(auditEvents.id, event!.id)));
      }),
    ).rejects.toThrow();
    // What retention's SECURITY DEFINER functions run as may delete (a superuser can become it; the app's role cannot).
    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set local role audit_owner`);
      await tx.delete(auditEvents).where(and(eq(auditEvents.orgId, owner.org.orgId), eq(auditEvents.id, event!.id)));
    });
    expect(await eventsOf(owner.org.orgId)).toHaveLength(0);
    await executeAudited(ctx.db, updateSettingsOperation, owner, { name: 'Append Only 2', timeZone: 'UTC', retentionDays: '365' });
    await expect(ctx.db.delete(auditEvents).where(eq(auditEvents.orgId, owner.org.orgId))).rejects.toThrow();
  });
});
