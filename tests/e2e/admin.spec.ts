import { expect, test, type Page } from '@playwright/test';
import { signIn, signInAt } from './helpers';

/** The newest rows of the audit table as plain text, one string per row. */
async function newestRows(page: Page, n: number) {
  await page.goto('/audit');
  const rows = page.locator('tr[data-event-id]');
  await expect(rows.first()).toBeVisible();
  return (await rows.allInnerTexts()).slice(0, n);
}

test('admin screens: every mutation lands in the audit log with actor, IP, result and before/after', async ({ page, browser }) => {
  await signInAt(page, '/members', 'alice@acme.test');

  // Members: invite a new person; the link (shown once) lets them choose their own password and join.
  await page.getByLabel('Email').fill('erin@acme.test');
  await page.getByLabel('Role', { exact: true }).selectOption('auditor');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = (await page.getByTestId('invitation-link').textContent())!.trim();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\/[\w-]{43}$/);
  await expect(page.locator('li[data-invitation="erin@acme.test"]')).toContainText('as auditor');
  const erin = await (await browser.newContext()).newPage();
  await erin.goto(link);
  await expect(erin.getByRole('heading', { name: 'Join Acme Corp' })).toBeVisible();
  await erin.getByLabel('Your name').fill('Erin Example');
  await erin.getByLabel('Choose a password (12+ characters)').fill('erin-chose-this-1');
  await erin.getByLabel('Repeat the password').fill('erin-chose-this-1');
  await erin.getByRole('button', { name: 'Create account and join' }).click();
  await expect(erin).toHaveURL(/\/audit/);
  await expect(erin.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  // The link is single-use.
  await erin.context().clearCookies();
  await erin.goto(link);
  await expect(erin.getByRole('heading', { name: 'Invitation not valid' })).toBeVisible();

  await page.reload();
  const erinRow = page.locator('tr[data-member="erin@acme.test"]');
  await expect(erinRow.getByTestId('member-role')).toHaveText('auditor');
  await erinRow.getByLabel('Role of erin@acme.test').selectOption('admin');
  await erinRow.getByRole('button', { name: 'Save role' }).click();
  await expect(erinRow.getByTestId('member-role')).toHaveText('admin');

  // The last owner cannot demote herself: a clear error, nothing changes.
  const aliceRow = page.locator('tr[data-member="alice@acme.test"]');
  await aliceRow.getByLabel('Role of alice@acme.test').selectOption('admin');
  await aliceRow.getByRole('button', { name: 'Save role' }).click();
  await expect(aliceRow.getByRole('alert')).toContainText('last owner');
  await page.reload();
  await expect(aliceRow.getByTestId('member-role')).toHaveText('owner');

  // Settings: each save records before/after.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Organization settings' })).toBeVisible();
  await page.getByLabel('Retention period (days)').fill('400');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  // API keys: the secret is shown once; revoking marks it revoked.
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Billing export');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-api-key')).toHaveText(/^ak_[0-9a-f]{10}_[\w-]{43}$/);
  page.once('dialog', (d) => d.accept());
  const keyRow = page.locator('tr[data-api-key="Billing export"]');
  await keyRow.getByRole('button', { name: 'Revoke Billing export' }).click();
  await expect(keyRow.getByTestId('api-key-status')).toHaveText('revoked');
  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);

  const rows = await newestRows(page, 8);
  expect(rows[0]).toMatch(
    /alice@acme\.test\s+127\.0\.0\.1\s+delete\s+api_key[\s\S]*Revoked API key "Billing export"[\s\S]*status: active → revoked[\s\S]*success/,
  );
  expect(rows[1]).toMatch(/alice@acme\.test\s+127\.0\.0\.1\s+generate\s+api_key[\s\S]*Created API key "Billing export"/);
  expect(rows[2]).toMatch(/update\s+settings[\s\S]*retention_days: 365 → 400[\s\S]*success/);
  expect(rows[3]).toMatch(/update\s+member[\s\S]*last owner[\s\S]*failure/);
  expect(rows[4]).toMatch(/update\s+member[\s\S]*Changed erin@acme\.test's role from auditor to admin[\s\S]*role: auditor → admin[\s\S]*success/);
  expect(rows[5]).toMatch(/erin@acme\.test[\s\S]*login[\s\S]*Signed in/);
  expect(rows[6]).toMatch(/erin@acme\.test\s+127\.0\.0\.1\s+create\s+member[\s\S]*erin@acme\.test accepted the invitation and joined as auditor[\s\S]*success/);
  expect(rows[7]).toMatch(/alice@acme\.test\s+127\.0\.0\.1\s+create\s+invitation[\s\S]*Invited erin@acme\.test as auditor[\s\S]*success/);
  for (const row of rows) expect(row).not.toContain(link.split('/').pop()!);
  for (const row of rows) expect(row).not.toMatch(/ak_[0-9a-f]{10}_[\w-]{43}/);
});

test('sign-in failures are recorded with the real peer address, not a forged X-Forwarded-For', async ({ browser }) => {
  const forger = await (await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '6.6.6.6' } })).newPage();
  await forger.goto('/login');
  await signIn(forger, 'carol@acme.test', 'definitely-wrong');
  await expect(forger.locator('#login-error')).toHaveText('Invalid email or password.');

  const page = await (await browser.newContext()).newPage();
  await signInAt(page, '/audit', 'bob@acme.test');
  const failed = page.locator('tr[data-event-id]', { hasText: 'Sign-in failed for carol@acme.test' }).first();
  await expect(failed).toContainText('127.0.0.1');
  await expect(failed).toContainText('login_failed');
  await expect(failed).not.toContainText('6.6.6.6');
  await expect(page.locator('tr[data-event-id]', { hasText: 'bob@acme.test' }).filter({ hasText: 'Signed in' }).first()).toContainText('127.0.0.1');
});

test('repeated wrong passwords lock the account with a clear message', async ({ page }) => {
  await page.goto('/login');
  for (let i = 0; i < 5; i++) {
    await signIn(page, 'mallory@acme.test', `wrong-${i}`);
    // Wait for this attempt's answer (the button re-enables) before typing the next one.
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect(page.locator('#login-error')).toHaveText('Invalid email or password.');
  }
  // Unknown and known accounts lock alike, so the message reveals nothing about who has an account.
  await signIn(page, 'mallory@acme.test', 'audit-demo-2026');
  await expect(page.locator('#login-error')).toHaveText(/^Too many failed sign-ins for this email\. Try again in 1[45] minutes\.$/);
});

test('an auditor sees members and keys but no controls to change them', async ({ page }) => {
  await signInAt(page, '/members', 'carol@acme.test');
  await expect(page.getByRole('table', { name: 'Members' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create invitation' })).toHaveCount(0);
  await page.goto('/settings');
  await expect(page.getByText('Only owners and admins can change these settings.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
});
