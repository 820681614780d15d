import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('an owner places and lifts a legal hold on the settings screen; an admin sees it but cannot change it', async ({ page, browser }) => {
  await signInAt(page, '/settings', 'alice@acme.test');
  const hold = page.getByLabel('Legal hold: suspend retention');
  await expect(hold).not.toBeChecked();
  await hold.check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Legal hold: suspend retention')).toBeChecked();

  // Bob (admin) may save the other settings, but the hold is not his to change.
  const bob = await browser.newPage();
  await signInAt(bob, '/settings', 'bob@acme.test');
  await expect(bob.getByLabel('Legal hold: suspend retention')).toBeChecked();
  await expect(bob.getByLabel('Legal hold: suspend retention')).toBeDisabled();
  await bob.getByRole('button', { name: 'Save settings' }).click();
  await expect(bob.getByText('Settings saved.')).toBeVisible();
  await bob.reload();
  await expect(bob.getByLabel('Legal hold: suspend retention')).toBeChecked();
  await bob.close();

  await page.getByLabel('Legal hold: suspend retention').uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await page.goto('/audit');
  const rows = page.locator('tr[data-event-id]');
  await expect(rows.first()).toBeVisible();
  // The three settings saves, newest first (Bob's sign-in lies between them).
  const texts = (await rows.allInnerTexts()).filter((t) => /update\s+settings/.test(t)).slice(0, 3);
  expect(texts[0]).toMatch(/alice@acme\.test[\s\S]*update\s+settings[\s\S]*legal_hold: true → false[\s\S]*success/);
  expect(texts[1]).toMatch(/bob@acme\.test[\s\S]*update\s+settings[\s\S]*success/);
  expect(texts[2]).toMatch(/alice@acme\.test[\s\S]*update\s+settings[\s\S]*legal_hold: false → true[\s\S]*success/);
});
