import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

// The e2e server's floor is 180 days (playwright.config.ts): Acme keeps 365 days (400 after admin.spec), so 200 is a
// legal shortening. The test cancels it, so Acme's retention ends as it was found.
test('an owner shortens retention: the change waits, the Settings page shows it, and the owner cancels it', async ({ page }) => {
  await signInAt(page, '/settings', 'alice@acme.test');
  const found = await page.getByLabel('Retention period (days)').inputValue();
  expect(Number(found)).toBeGreaterThan(200);
  await expect(page.getByTestId('retention-pending')).toHaveCount(0);
  await expect(page.getByText('at least 180 days')).toBeVisible();

  await page.getByLabel('Retention period (days)').fill('200');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved. A shorter retention period is scheduled')).toBeVisible();
  const pending = new RegExp(`Retention will change from ${found} to 200 days on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC`);
  await expect(page.getByTestId('retention-pending')).toContainText(pending);

  // Nothing changed yet: the current period stays in force until the delay has passed.
  await page.reload();
  await expect(page.getByLabel('Retention period (days)')).toHaveValue(found);
  const notice = page.getByTestId('retention-pending');
  await expect(notice).toContainText(pending);
  await notice.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('retention-pending')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('retention-pending')).toHaveCount(0);
  await expect(page.getByLabel('Retention period (days)')).toHaveValue(found);

  await page.goto('/audit');
  const rows = page.locator('tr[data-event-id]');
  await expect(rows.first()).toBeVisible();
  const texts = (await rows.allInnerTexts()).filter((t) => /update\s+settings/.test(t)).slice(0, 2);
  expect(texts[0]).toMatch(
    new RegExp(`alice@acme\\.test[\\s\\S]*update\\s+settings[\\s\\S]*Cancelled the scheduled retention change \\(${found} → 200 days on [\\s\\S]*success`),
  );
  expect(texts[1]).toMatch(
    new RegExp(
      `alice@acme\\.test[\\s\\S]*update\\s+settings[\\s\\S]*retention ${found} → 200 days scheduled for \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC[\\s\\S]*success`,
    ),
  );
});
