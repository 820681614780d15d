import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('pages refuse framing and run under a nonce Content-Security-Policy without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|create)/i.test(msg.text())) violations.push(msg.text());
  });
  const login = await page.goto('/login');
  const headers = login!.headers();
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  // A fresh nonce per response.
  const again = await page.request.get('/login');
  expect(again.headers()['content-security-policy']).not.toBe(headers['content-security-policy']);

  await signInAt(page, '/audit', 'alice@acme.test');
  await expect(page.getByRole('table', { name: 'Audit events' })).toBeVisible();
  // Open an event with a diff: the diff viewer runs its worker and injects styles under the policy.
  await page.locator('tr[data-event-id]').first().click();
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(violations).toEqual([]);
});
