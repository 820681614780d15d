import 'server-only';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { deleteSavedView, getVisibleSavedViewForUpdate, insertSavedView, isSavedViewNameTaken, updateSavedView } from '@/db/queries/saved-views';
import { defineOperation, type OperationContext } from '@/lib/recording/operation';
import { hrefWith, parseAuditSearchParams } from '@/lib/view/search-params';
import { hasPermission } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';

export const MAX_VIEW_NAME = 80;
export const MAX_VIEW_QUERY = 4000;

/** What every saved-view operation hands back to the form that ran it. */
export type SavedViewData = { id: string; name: string; query: string; shared: boolean };

/**
 * A saved view's query in canonical form: every parameter valid, re-serialized in the one stable order,
 * without the page position (`after`/`before`) or the open event: a view is filters, sort and columns.
 */
export function canonicalViewQuery(query: string): { ok: true; query: string } | { ok: false; error: string } {
  if (query.length > MAX_VIEW_QUERY) return { ok: false, error: `The view's query is longer than ${MAX_VIEW_QUERY} characters.` };
  if (query !== '' && !query.startsWith('?')) return { ok: false, error: 'The view\'s query must be empty or start with "?".' };
  const parsed = parseAuditSearchParams(new URLSearchParams(query));
  const [issue] = parsed.issues;
  if (issue) return { ok: false, error: issue.message };
  // A free-text `q` is turned into filters by the page first; saving it raw would drop it on re-serialization.
  if (parsed.query !== null) return { ok: false, error: 'Apply the search before saving the view ("q" is not stored).' };
  return { ok: true, query: hrefWith(parsed.state, {}, '') };
}

const viewId = z.uuid({ error: 'Unknown saved view.' });
const name = z
  .string({ error: 'Give the view a name.' })
  .trim()
  .min(1, { error: 'Give the view a name.' })
  .max(MAX_VIEW_NAME, { error: `Keep the name under ${MAX_VIEW_NAME} characters.` });
const query = z.string({ error: 'The view has no query.' }).transform((value, ctx) => {
  const result = canonicalViewQuery(value);
  if (result.ok) return result.query;
  ctx.addIssue({ code: 'custom', message: result.error });
  return z.NEVER;
});
/** A checkbox: 'on' (or 'true') when ticked, absent when not; an explicit 'false'/'off' too for the share toggle. */
const flag = z
  .union([z.boolean(), z.enum(['on', 'true', 'off', 'false'])], { error: 'Shared must be true or false.' })
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

const snapshot = (v: { name: string; query: string; shared: boolean }) => ({ name: v.name, query: v.query, shared: v.shared });
const dataOf = (v: SavedViewData): SavedViewData => ({ id: v.id, name: v.name, query: v.query, shared: v.shared });
const targetOf = (raw: Record<string, unknown>) => ({ objectId: typeof raw.viewId === 'string' ? raw.viewId.slice(0, 64) : null });

const NOT_FOUND = 'That saved view does not exist.';

/**
 * The view, row-locked for this change, if the actor may see it (their own, or shared with the org).
 * Someone else's private view is reported exactly like a missing one. Tenancy: within ctx.org only.
 */
async function getVisibleView(tx: Tx, ctx: OperationContext, id: string) {
  const row = await getVisibleSavedViewForUpdate(tx, ctx.org.orgId, ctx.user.id, id);
  if (!row) throw new DomainError(NOT_FOUND);
  return row;
}

type VisibleView = Awaited<ReturnType<typeof getVisibleView>>;

/** Your own views are yours to change; others' shared views only with views:manage, and only where allowed. */
function assertMayChange(view: VisibleView, ctx: OperationContext, managersToo: boolean) {
  if (view.ownerId === ctx.user.id) return;
  if (managersToo && hasPermission(ctx.org.role, 'views:manage')) return;
  throw new DomainError('You can only change your own views.');
}

/** Refuses a name the owner already uses (case-insensitively). */
async function assertNameFree(tx: Tx, orgId: string, ownerId: string, viewName: string, exceptId: string | null, ownedByActor: boolean) {
  if (await isSavedViewNameTaken(tx, orgId, ownerId, viewName, exceptId)) {
    const who = ownedByActor ? 'You already have' : 'Its owner already has';
    throw new DomainError(`${who} a view named "${viewName}".`, { name: ['Choose a name that is not in use yet.'] });
  }
}

/** Whose view it was, when an admin acts on someone else's: the log should say so without a lookup. */
const ownerMetadata = (view: VisibleView, ctx: OperationContext) => (view.ownerId === ctx.user.id ? undefined : { owner: view.ownerEmail });

export const createSavedViewOperation = defineOperation({
  permission: 'views:save',
  action: 'create',
  objectType: 'saved_view',
  module: 'Audit',
  describe: 'save a view',
  schema: z.object({ name, query, shared: flag }),
  target: (raw) => ({ objectLabel: typeof raw.name === 'string' ? raw.name.slice(0, MAX_VIEW_NAME) : null }),
  async run(tx, input, ctx) {
    await assertNameFree(tx, ctx.org.orgId, ctx.user.id, input.name, null, true);
    const row = await insertSavedView(tx, ctx.org.orgId, { name: input.name, query: input.query, shared: input.shared, ownerId: ctx.user.id });
    return {
      data: dataOf(row),
      audit: {
        objectId: row.id,
        objectLabel: row.name,
        message: `Saved view "${row.name}"${row.shared ? ' and shared it with the organization' : ''}`,
        after: snapshot(row),
      },
    };
  },
});

export const renameSavedViewOperation = defineOperation({
  permission: 'views:save',
  action: 'update',
  objectType: 'saved_view',
  module: 'Audit',
  describe: 'rename a saved view',
  schema: z.object({ viewId, name }),
  target: targetOf,
  async run(tx, input, ctx) {
    const view = await getVisibleView(tx, ctx, input.viewId);
    assertMayChange(view, ctx, true);
    if (view.name === input.name) throw new DomainError(`The view is already named "${view.name}".`, { name: ['Enter a different name.'] });
    await assertNameFree(tx, ctx.org.orgId, view.ownerId, input.name, view.id, view.ownerId === ctx.user.id);
    const row = await updateSavedView(tx, ctx.org.orgId, view.id, { name: input.name });
    return {
      data: dataOf(row),
      audit: {
        objectId: view.id,
        objectLabel: row.name,
        message: `Renamed saved view "${view.name}" to "${row.name}"`,
        before: snapshot(view),
        after: snapshot(row),
        metadata: ownerMetadata(view, ctx),
      },
    };
  },
});

export const shareSavedViewOperation = defineOperation({
  permission: 'views:save',
  action: 'update',
  objectType: 'saved_view',
  module: 'Audit',
  describe: 'share or unshare a saved view',
  schema: z.object({ viewId, shared: flag }),
  target: targetOf,
  async run(tx, input, ctx) {
    const view = await getVisibleView(tx, ctx, input.viewId);
    // Sharing is the owner's decision; managers can still rename or delete a shared view.
    assertMayChange(view, ctx, false);
    if (view.shared === input.shared)
      throw new DomainError(view.shared ? 'That view is already shared with the organization.' : 'That view is already private.');
    const row = await updateSavedView(tx, ctx.org.orgId, view.id, { shared: input.shared });
    return {
      data: dataOf(row),
      audit: {
        objectId: view.id,
        objectLabel: view.name,
        message: input.shared ? `Shared saved view "${view.name}" with the organization` : `Stopped sharing saved view "${view.name}"`,
        before: snapshot(view),
        after: snapshot(row),
      },
    };
  },
});

export const deleteSavedViewOperation = defineOperation({
  permission: 'views:save',
  action: 'delete',
  objectType: 'saved_view',
  module: 'Audit',
  describe: 'delete a saved view',
  schema: z.object({ viewId }),
  target: targetOf,
  async run(tx, input, ctx) {
    const view = await getVisibleView(tx, ctx, input.viewId);
    assertMayChange(view, ctx, true);
    await deleteSavedView(tx, ctx.org.orgId, view.id);
    return {
      data: dataOf(view),
      audit: {
        objectId: view.id,
        objectLabel: view.name,
        message: `Deleted saved view "${view.name}"${view.ownerId === ctx.user.id ? '' : ` of ${view.ownerEmail}`}`,
        before: snapshot(view),
        metadata: ownerMetadata(view, ctx),
      },
    };
  },
});
