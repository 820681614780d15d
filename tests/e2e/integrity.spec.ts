import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('an owner verifies the hash chain and signs a checkpoint; both are recorded', async ({ page }) => {
  await signInAt(page, '/integrity', 'alice@acme.test');
  await page.getByRole('button', { name: 'Verify now' }).click();
  await expect(page.getByText(/Verified through #\d+/).first()).toBeVisible();
  await page.getByRole('button', { name: /Sign checkpoint/ }).click();
  await expect(page.getByText(/checkpoint/i).first()).toBeVisible();
  // The C2SP note verifier key of this organization's log, to check downloaded checkpoints with.
  await expect(page.getByTestId('integrity-vkey')).toHaveText(/^audit-log\/[0-9a-f-]{36}\+[0-9a-f]{8}\+\S{44}$/);
  await page.goto('/audit?range=1h&actor=alice@acme.test');
  await expect(page.locator('tr[data-event-id]', { hasText: 'verify' }).first()).toBeVisible();
});

test('an auditor cannot open the integrity page', async ({ page }) => {
  await signInAt(page, '/audit', 'carol@acme.test');
  const response = await page.goto('/integrity');
  expect(response?.status()).toBe(403);
});
