import { expect, test } from '@playwright/test';
import { signInAt, visibleEventIds } from './helpers';

test('a row opens its detail with its own URL: fields, changes, diff, and links to the record and the user', async ({ page, browser }) => {
  await signInAt(page, '/audit?range=30d&action=update&type=ingress_route', 'alice@acme.test');
  const [id] = await visibleEventIds(page);
  await page.locator(`tr[data-event-id="${id}"] td:nth-child(7)`).click();
  await expect(page).toHaveURL(new RegExp(`event=${id}`));
  const sheet = page.getByRole('dialog');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText(id!);
  await expect(sheet).toContainText(/limits\.rate|upstream|tls/);
  await sheet.getByRole('button', { name: 'View difference' }).click();
  // The diff shows the changed key (unchanged lines far from a change are folded away).
  await expect(
    sheet
      .locator('table')
      .filter({ hasText: /"(rate|upstream|tls)"/ })
      .first(),
  ).toBeVisible();

  // The detail URL can be shared: a colleague in the same organization sees the same event.
  const shared = page.url();
  const carol = await (await browser.newContext()).newPage();
  await carol.goto(shared);
  await carol.getByLabel('Email').fill('carol@acme.test');
  await carol.getByLabel('Password').fill('audit-demo-2026');
  await carol.getByRole('button', { name: 'Sign in' }).click();
  await expect(carol.getByRole('dialog')).toContainText(id!);

  // ...but another organization's owner gets "not found", never the event.
  const gina = await (await browser.newContext()).newPage();
  await signInAt(gina, `/audit?event=${id}`, 'gina@globex.test');
  await expect(gina.getByRole('dialog')).toContainText('Event not found');
  await expect(gina.getByRole('dialog')).not.toContainText(id!);

  // From the detail: the record's history (all its events, all time).
  await sheet.getByRole('link', { name: 'All events for this record' }).click();
  await expect(page).toHaveURL(/object=/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const objectId = new URL(page.url()).searchParams.get('object');
  await expect.poll(async () => [...new Set(await page.locator('tr[data-event-id] td:nth-child(6)').allInnerTexts())]).toEqual([objectId]);
});

test('closing the detail keeps the view; Escape closes it', async ({ page }) => {
  await signInAt(page, '/audit?range=7d', 'bob@acme.test');
  const [id] = await visibleEventIds(page);
  await page.locator(`tr[data-event-id="${id}"] time`).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/\/audit\?range=7d$/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('saved views: save, share, rename, open, delete — each in the audit log', async ({ page, browser }) => {
  await signInAt(page, '/audit?range=7d&result=failure&sort=actor.asc', 'carol@acme.test');
  await page.getByRole('button', { name: /Saved views/ }).click();
  await page.getByLabel('Name', { exact: true }).fill('Failures this week');
  await page.getByLabel('Share with organization').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('link', { name: /Failures this week/ })).toBeVisible();

  // A colleague sees the shared view and opens exactly that view.
  const bob = await (await browser.newContext()).newPage();
  await signInAt(bob, '/audit', 'bob@acme.test');
  await bob.getByRole('button', { name: /Saved views/ }).click();
  await bob.getByRole('link', { name: /Failures this week/ }).click();
  await expect(bob).toHaveURL(/range=7d&result=failure&sort=actor\.asc/);

  // Rename, then delete.
  await page.reload();
  await page.getByRole('button', { name: /Saved views/ }).click();
  await page.getByRole('button', { name: /Rename Failures this week/ }).click();
  await page.getByLabel(/New name/).fill('Weekly failures');
  await page.getByLabel(/New name/).press('Enter');
  await expect(page.getByRole('link', { name: /Weekly failures/ })).toBeVisible();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: /Delete Weekly failures/ }).click();
  await expect(page.getByRole('link', { name: /Weekly failures/ })).toHaveCount(0);

  await page.goto('/audit?type=saved_view&actor=carol@acme.test&range=1h');
  const messages = await page.locator('tr[data-event-id] td:nth-child(4)').allInnerTexts();
  expect(messages.slice(0, 3)).toEqual(['delete', 'update', 'create']);
});
