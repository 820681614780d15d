import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { z } from 'zod';
import { auditEvents, savedViews } from '@/db/schema';
import { listSavedViews } from '@/db/queries/saved-views';
import { createSavedViewOperation, deleteSavedViewOperation, renameSavedViewOperation, shareSavedViewOperation } from '@/lib/operations/saved-views';
import { executeAudited, type Operation, type OperationContext } from '@/lib/recording/operation';
import { encodeCursor } from '@/lib/view/cursor';
import { actingAs } from './context';
import { describeEachDatabase } from './databases';

const EVENT_ID = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const NOT_FOUND = 'That saved view does not exist.';

describeEachDatabase('saved views', (ctx) => {
  const eventsOf = (orgId: string) => ctx.db.select().from(auditEvents).where(eq(auditEvents.orgId, orgId));
  // Exactly one new entry per attempt; found by id, not by time, so same-millisecond entries can't swap.
  async function audited<S extends z.ZodType, T>(orgId: string, op: Operation<S, T>, actor: OperationContext, input: Record<string, unknown>) {
    const seen = new Set((await eventsOf(orgId)).map((e) => e.id));
    const result = await executeAudited(ctx.db, op, actor, input);
    const fresh = (await eventsOf(orgId)).filter((e) => !seen.has(e.id));
    expect(fresh).toHaveLength(1);
    return { result, event: fresh[0]! };
  }
  const viewsOf = (orgId: string) => ctx.db.select().from(savedViews).where(eq(savedViews.orgId, orgId));

  async function create(actor: OperationContext, input: Record<string, unknown>) {
    const result = await executeAudited(ctx.db, createSavedViewOperation, actor, input);
    if (!result.ok) throw new Error(`create failed: ${result.error}`);
    return result.data;
  }

  it('saves a view with its canonical query, stripped of the page position and the open event, and records it', async () => {
    const auditor = await actingAs(ctx.db, 'sv-create@example.com', 'auditor');
    const after = encodeCursor({ at: new Date('2026-11-01T00:00:00Z'), id: EVENT_ID });
    const raw = `?size=100&after=${after}&action=update&event=${EVENT_ID}&from=2026-11-01T00:00Z&tz=utc`;
    const { result, event } = await audited(auditor.org.orgId, createSavedViewOperation, auditor, { name: '  Weekly updates  ', query: raw, shared: 'on' });
    expect(result.ok).toBe(true);

    const [row] = await viewsOf(auditor.org.orgId);
    expect(row).toMatchObject({
      name: 'Weekly updates',
      query: '?from=2026-11-01T00%3A00%3A00.000Z&action=update&size=100&tz=utc',
      shared: true,
      ownerId: auditor.user.id,
    });
    expect(row!.query).not.toMatch(/after=|before=|event=/);
    expect(event).toMatchObject({
      action: 'create',
      objectType: 'saved_view',
      module: 'Audit',
      objectId: row!.id,
      objectLabel: 'Weekly updates',
      result: 'success',
      actorId: auditor.user.id,
      before: null,
    });
    expect(event.after).toEqual({ name: 'Weekly updates', query: row!.query, shared: true });
  });

  it('treats an absent checkbox as private and accepts the default (empty) view', async () => {
    const auditor = await actingAs(ctx.db, 'sv-default@example.com', 'auditor');
    const data = await create(auditor, { name: 'Everything', query: '' });
    expect(data).toMatchObject({ name: 'Everything', query: '', shared: false });
    // The page position alone is not a view: stripping it leaves the default view.
    const before = encodeCursor({ at: new Date('2026-11-01T00:00:00Z'), id: EVENT_ID });
    expect(await create(auditor, { name: 'Default again', query: `?before=${before}` })).toMatchObject({ query: '' });
  });

  it.each([
    ['?size=7', 'size'],
    ['?bogus=1', 'bogus'],
    ['action=update', 'no leading ?'],
    ['?q=actor:bob', 'a raw search'],
    [`?text=${'x'.repeat(4000)}`, 'too long'],
  ])('refuses the invalid query %s (%s) as a recorded failure and stores nothing', async (query) => {
    const auditor = await actingAs(ctx.db, `sv-invalid-${Math.random().toString(36).slice(2)}@example.com`, 'auditor');
    const { result, event } = await audited(auditor.org.orgId, createSavedViewOperation, auditor, { name: 'Bad', query });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.query?.[0]).toBeTruthy();
    expect(await viewsOf(auditor.org.orgId)).toHaveLength(0);
    expect(event).toMatchObject({ action: 'create', objectType: 'saved_view', result: 'failure', objectLabel: 'Bad', before: null, after: null });
    expect(event.errorMessage).toMatch(/^Validation failed: query: /);
  });

  it('refuses a duplicate name for the same owner (trimmed, case-insensitive) but not for someone else', async () => {
    const a = await actingAs(ctx.db, 'sv-dup-a@example.com', 'auditor');
    const b = await actingAs(ctx.db, 'sv-dup-b@example.com', 'auditor', a.org.orgId);
    await create(a, { name: 'Failures', query: '?result=failure' });
    const dup = await audited(a.org.orgId, createSavedViewOperation, a, { name: ' failures ', query: '' });
    expect(dup.result).toMatchObject({ ok: false, error: 'You already have a view named "failures".', fieldErrors: { name: [expect.any(String)] } });
    expect(dup.event).toMatchObject({ action: 'create', result: 'failure', errorMessage: 'You already have a view named "failures".' });
    expect((await create(b, { name: 'Failures', query: '' })).name).toBe('Failures');

    const other = await create(a, { name: 'Other', query: '' });
    const rename = await audited(a.org.orgId, renameSavedViewOperation, a, { viewId: other.id, name: 'FAILURES' });
    expect(rename.result).toMatchObject({ ok: false, error: 'You already have a view named "FAILURES".' });
    expect(rename.event).toMatchObject({ action: 'update', objectId: other.id, result: 'failure' });
    expect(
      (await viewsOf(a.org.orgId))
        .filter((v) => v.ownerId === a.user.id)
        .map((v) => v.name)
        .sort(),
    ).toEqual(['Failures', 'Other']);
  });

  it('lets only one of two concurrent saves with the same name through', async () => {
    const a = await actingAs(ctx.db, 'sv-race@example.com', 'auditor');
    const results = await Promise.all(Array.from({ length: 8 }, () => executeAudited(ctx.db, createSavedViewOperation, a, { name: 'Race', query: '' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await viewsOf(a.org.orgId)).toHaveLength(1);
  });

  it('renames, shares, unshares and deletes, each an audited change with before/after', async () => {
    const owner = await actingAs(ctx.db, 'sv-life@example.com', 'owner');
    const org = owner.org.orgId;
    const view = await create(owner, { name: 'Logins', query: '?action=login' });
    const snap = (name: string, shared: boolean) => ({ name, query: '?action=login', shared });

    let step = await audited(org, renameSavedViewOperation, owner, { viewId: view.id, name: 'Sign-ins' });
    expect(step.result.ok).toBe(true);
    expect(step.event).toMatchObject({
      action: 'update',
      objectType: 'saved_view',
      objectId: view.id,
      result: 'success',
      message: 'Renamed saved view "Logins" to "Sign-ins"',
    });
    expect([step.event.before, step.event.after]).toEqual([snap('Logins', false), snap('Sign-ins', false)]);
    expect(step.event.changedFields).toEqual(['name']);

    step = await audited(org, shareSavedViewOperation, owner, { viewId: view.id, shared: 'true' });
    expect(step.event).toMatchObject({ action: 'update', result: 'success' });
    expect([step.event.before, step.event.after]).toEqual([snap('Sign-ins', false), snap('Sign-ins', true)]);
    expect(step.event.changedFields).toEqual(['shared']);

    step = await audited(org, shareSavedViewOperation, owner, { viewId: view.id, shared: true });
    expect(step.result).toMatchObject({ ok: false, error: 'That view is already shared with the organization.' });
    expect(step.event.result).toBe('failure');

    step = await audited(org, shareSavedViewOperation, owner, { viewId: view.id, shared: 'false' });
    expect(step.event).toMatchObject({ action: 'update', result: 'success', message: 'Stopped sharing saved view "Sign-ins"' });
    expect([step.event.before, step.event.after]).toEqual([snap('Sign-ins', true), snap('Sign-ins', false)]);

    step = await audited(org, deleteSavedViewOperation, owner, { viewId: view.id });
    expect(step.event).toMatchObject({
      action: 'delete',
      objectType: 'saved_view',
      objectId: view.id,
      objectLabel: 'Sign-ins',
      result: 'success',
      after: null,
    });
    expect(step.event.before).toEqual(snap('Sign-ins', false));
    expect(await viewsOf(org)).toHaveLength(0);
  });

  it('denies a member (not in views:save) and records the attempt as a failure', async () => {
    const member = await actingAs(ctx.db, 'sv-member@example.com', 'member');
    const { result, event } = await audited(member.org.orgId, createSavedViewOperation, member, { name: 'Mine', query: '' });
    expect(result).toMatchObject({ ok: false, error: 'Permission denied: a member may not save a view.' });
    expect(await viewsOf(member.org.orgId)).toHaveLength(0);
    expect(event).toMatchObject({
      action: 'create',
      objectType: 'saved_view',
      result: 'failure',
      errorMessage: 'Permission denied: a member may not save a view.',
    });
  });

  it("lists own and shared views by name; others' private views stay invisible and untouchable", async () => {
    const a = await actingAs(ctx.db, 'sv-share-a@example.com', 'auditor');
    const b = await actingAs(ctx.db, 'sv-share-b@example.com', 'auditor', a.org.orgId);
    const shared = await create(a, { name: 'b shared by A', query: '?result=failure', shared: 'on' });
    const secret = await create(a, { name: 'Secret of A', query: '?action=delete' });
    await create(b, { name: 'A view of B', query: '' });

    expect(await listSavedViews(ctx.db, a.org.orgId, b.user.id)).toEqual([
      { id: expect.any(String), name: 'A view of B', query: '', shared: false, ownerEmail: 'sv-share-b@example.com', mine: true },
      { id: shared.id, name: 'b shared by A', query: '?result=failure', shared: true, ownerEmail: 'sv-share-a@example.com', mine: false },
    ]);
    expect((await listSavedViews(ctx.db, a.org.orgId, a.user.id)).map((v) => [v.name, v.mine])).toEqual([
      ['b shared by A', true],
      ['Secret of A', true],
    ]);

    // An auditor may not change another person's shared view...
    const refusals = [
      [renameSavedViewOperation, { viewId: shared.id, name: 'Hijacked' }],
      [deleteSavedViewOperation, { viewId: shared.id }],
      [shareSavedViewOperation, { viewId: shared.id, shared: 'false' }],
    ] as const;
    for (const [op, input] of refusals) {
      const { result, event } = await audited(a.org.orgId, op, b, input);
      expect(result).toMatchObject({ ok: false, error: 'You can only change your own views.' });
      expect(event).toMatchObject({ objectType: 'saved_view', objectId: shared.id, result: 'failure', actorId: b.user.id });
    }
    // ...and a private one answers exactly like an id that never existed.
    const unknown = await executeAudited(ctx.db, deleteSavedViewOperation, b, { viewId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ ok: false, error: NOT_FOUND });
    const hidden = [
      [renameSavedViewOperation, { viewId: secret.id, name: 'Peek' }],
      [deleteSavedViewOperation, { viewId: secret.id }],
      [shareSavedViewOperation, { viewId: secret.id, shared: 'on' }],
    ] as const;
    for (const [op, input] of hidden) {
      const { result, event } = await audited(a.org.orgId, op, b, input);
      expect(result).toMatchObject({ ok: false, error: NOT_FOUND });
      // The failure names only what B sent: no label, no snapshot of the private view.
      expect(event).toMatchObject({ objectId: secret.id, objectLabel: null, before: null, after: null, result: 'failure' });
    }
    const rows = await viewsOf(a.org.orgId);
    expect(rows.find((v) => v.id === shared.id)).toMatchObject({ name: 'b shared by A', shared: true });
    expect(rows.find((v) => v.id === secret.id)).toMatchObject({ name: 'Secret of A', shared: false });
  });

  it("lets an admin rename and delete others' shared views, but not see their private ones or reshare them", async () => {
    const a = await actingAs(ctx.db, 'sv-mod-a@example.com', 'auditor');
    const admin = await actingAs(ctx.db, 'sv-mod-admin@example.com', 'admin', a.org.orgId);
    const org = a.org.orgId;
    const shared = await create(a, { name: 'Noisy', query: '?action=read', shared: true });
    const secret = await create(a, { name: 'Private', query: '' });

    expect((await audited(org, shareSavedViewOperation, admin, { viewId: shared.id, shared: 'false' })).result).toMatchObject({
      ok: false,
      error: 'You can only change your own views.',
    });
    expect((await audited(org, renameSavedViewOperation, admin, { viewId: secret.id, name: 'Peek' })).result).toMatchObject({ ok: false, error: NOT_FOUND });

    let step = await audited(org, renameSavedViewOperation, admin, { viewId: shared.id, name: 'Reads' });
    expect(step.event).toMatchObject({ action: 'update', actorId: admin.user.id, result: 'success', metadata: { owner: 'sv-mod-a@example.com' } });
    expect(step.event.after).toEqual({ name: 'Reads', query: '?action=read', shared: true });

    step = await audited(org, deleteSavedViewOperation, admin, { viewId: shared.id });
    expect(step.event).toMatchObject({
      action: 'delete',
      actorId: admin.user.id,
      result: 'success',
      message: 'Deleted saved view "Reads" of sv-mod-a@example.com',
    });
    expect((await viewsOf(org)).map((v) => v.id)).toEqual([secret.id]);
  });

  it("never shows or changes one organization's views from another (tenancy)", async () => {
    const a = await actingAs(ctx.db, 'sv-ten-a@example.com', 'owner');
    const outsider = await actingAs(ctx.db, 'sv-ten-b@example.com', 'owner');
    const view = await create(a, { name: 'Org A only', query: '', shared: true });

    expect(await listSavedViews(ctx.db, outsider.org.orgId, outsider.user.id)).toEqual([]);
    const attempts = [
      [renameSavedViewOperation, { viewId: view.id, name: 'Stolen' }],
      [deleteSavedViewOperation, { viewId: view.id }],
      [shareSavedViewOperation, { viewId: view.id, shared: 'false' }],
    ] as const;
    for (const [op, input] of attempts) {
      // The failure is recorded in the outsider's own organization, never in A's.
      const { result, event } = await audited(outsider.org.orgId, op, outsider, input);
      expect(result).toMatchObject({ ok: false, error: NOT_FOUND });
      expect(event).toMatchObject({ objectId: view.id, result: 'failure' });
    }
    const inA = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, a.org.orgId), eq(auditEvents.actorId, outsider.user.id)));
    expect(inA).toHaveLength(0);
    expect(await viewsOf(a.org.orgId)).toMatchObject([{ id: view.id, name: 'Org A only', shared: true }]);
  });
});
