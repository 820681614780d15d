import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('exporting the current view downloads the same rows as CSV, and the export is audited', async ({ page }) => {
  await signInAt(page, '/audit?range=30d&action=delete', 'carol@acme.test');
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/\D/g, ''));
  await page.getByRole('button', { name: /Export/ }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /CSV/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log_acme_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z\.csv$/);
  const text = (await (await download.createReadStream()).toArray()).map((b) => b.toString()).join('');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toContain('Event id');
  // Messages have no line breaks in the demo data, so one line per event.
  expect(lines.length - 1).toBe(total);
  expect(lines.slice(1).every((l) => l.includes(',delete,'))).toBe(true);

  await page.goto('/audit?range=1h&action=export&actor=carol@acme.test');
  await expect(page.locator('tr[data-event-id]').first()).toContainText('export');
});

test('a member cannot export', async ({ page }) => {
  await signInAt(page, '/account', 'dave@acme.test');
  const response = await page.request.get('/audit/export?format=csv');
  expect(response.status()).toBe(403);
});
