import { expect, test } from '@playwright/test';
import { signInAt, visibleEventIds } from './helpers';

/** Org ids by name, read from the switcher of a user who belongs to both. */
async function orgIds(browser: import('@playwright/test').Browser) {
  const page = await (await browser.newContext()).newPage();
  await signInAt(page, '/audit', 'alice@acme.test');
  const options = await page.locator('#org-switcher option').evaluateAll((os) => os.map((o) => [o.textContent ?? '', (o as HTMLOptionElement).value]));
  await page.context().close();
  return Object.fromEntries(options.map(([name, id]) => [name!.split(' (')[0], id])) as Record<string, string>;
}

test('one organization cannot see the other organization’s events over HTTP', async ({ browser }) => {
  const ids = await orgIds(browser);
  expect(Object.keys(ids).sort()).toEqual(['Acme Corp', 'Globex Inc']);

  const gina = await (await browser.newContext()).newPage();
  await signInAt(gina, '/audit?range=all&size=200', 'gina@globex.test');
  await expect(gina.getByText('Globex Inc · newest first')).toBeVisible();
  const globexEvents = await visibleEventIds(gina);
  expect(globexEvents.length).toBe(200);

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signInAt(bob, '/audit?range=all&size=200', 'bob@acme.test');
  await expect(bob.getByText('Acme Corp · newest first')).toBeVisible();
  const acmeEvents = await visibleEventIds(bob);
  expect(acmeEvents.filter((id) => globexEvents.includes(id))).toEqual([]);

  // Bob forges the organization cookie with Globex's id: membership is re-checked, he stays in Acme.
  await bobContext.addCookies([{ name: 'audit_org', value: ids['Globex Inc']!, url: bob.url() }]);
  await bob.reload();
  await expect(bob.getByText('Acme Corp · newest first')).toBeVisible();
  const afterForgery = await visibleEventIds(bob);
  expect(afterForgery.filter((id) => globexEvents.includes(id))).toEqual([]);
});

test('a user in two organizations switches between them', async ({ page }) => {
  await signInAt(page, '/audit?range=30d', 'alice@acme.test');
  await expect(page.getByText('Acme Corp · newest first')).toBeVisible();
  const acme = await visibleEventIds(page);
  await page.getByLabel('Organization').selectOption({ label: 'Globex Inc (auditor)' });
  await expect(page.getByText('Globex Inc · newest first')).toBeVisible();
  // The view stays: same page, same window.
  await expect(page).toHaveURL(/\/audit\?range=30d$/);
  const globex = await visibleEventIds(page);
  expect(globex.filter((id) => acme.includes(id))).toEqual([]);
});
