import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { signIn, signInAt } from './helpers';

type SavedState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** A new browser holding a copy of saved cookies (what someone who copied them would have) must be signed out. */
async function expectCopyRefused(browser: Browser, saved: SavedState) {
  const copy = await browser.newContext({ storageState: saved });
  const page = await copy.newPage();
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit$/);
  await expect(page.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisible();
  const exported = await copy.request.get('/audit/export?format=csv', { maxRedirects: 0 });
  expect([401, 302, 303, 307]).toContain(exported.status());
  await copy.close();
}

test('a cookie copied before sign-out stops working once its browser signs out', async ({ page, browser }) => {
  await signInAt(page, '/audit', 'bob@acme.test');
  const saved = await page.context().storageState();
  // The copy works while the session is live.
  const before = await browser.newContext({ storageState: saved });
  expect((await before.request.get('/audit/export?format=csv&range=1h', { maxRedirects: 0 })).status()).toBe(200);
  await before.close();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login/, { timeout: 15_000 });
  await expectCopyRefused(browser, saved);
});

test('a password change signs out every other browser of that person, not the one it was made in', async ({ page, browser }) => {
  // A person only this test uses: invited by Alice, so no demo password changes.
  await signInAt(page, '/members', 'alice@acme.test');
  await page.getByLabel('Email').fill('frank@acme.test');
  await page.getByLabel('Role', { exact: true }).selectOption('auditor');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = (await page.getByTestId('invitation-link').textContent())!.trim();

  const first = await (await browser.newContext()).newPage();
  await first.goto(link);
  await first.getByLabel('Your name').fill('Frank Example');
  await first.getByLabel('Choose a password (12+ characters)').fill('frank-first-pass-1');
  await first.getByLabel('Repeat the password').fill('frank-first-pass-1');
  await first.getByRole('button', { name: 'Create account and join' }).click();
  await expect(first).toHaveURL(/\/audit/);
  const saved = await first.context().storageState();

  const second = await (await browser.newContext()).newPage();
  await second.goto('/account');
  await signIn(second, 'frank@acme.test', 'frank-first-pass-1');
  await expect(second).toHaveURL(/\/account$/);
  await expect(second.locator('tr[data-session]')).toHaveCount(2);
  await expect(second.locator('tr[data-session="current"]')).toContainText('this browser');

  await second.getByLabel('Current password').fill('frank-first-pass-1');
  await second.getByLabel('New password', { exact: true }).fill('frank-second-pass-2');
  await second.getByLabel('Repeat the new password').fill('frank-second-pass-2');
  await second.getByRole('button', { name: 'Change password' }).click();
  await expect(second.getByText('Password changed.')).toBeVisible();

  await expectCopyRefused(browser, saved);
  await first.goto('/audit');
  await expect(first).toHaveURL(/\/login/);
  // The browser that made the change stays signed in, now the only session.
  await second.reload();
  await expect(second.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(second.locator('tr[data-session]')).toHaveCount(1);
});

test('"Sign out everywhere" ends every session of the person and is recorded', async ({ page, browser }) => {
  await signInAt(page, '/audit', 'carol@acme.test');
  const saved = await page.context().storageState();

  const other = await (await browser.newContext()).newPage();
  await signInAt(other, '/account', 'carol@acme.test');
  await other.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
  await expect(other).toHaveURL(/\/login/, { timeout: 15_000 });

  await expectCopyRefused(browser, saved);
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, 'carol@acme.test');
  await expect(page).toHaveURL(/\/audit/);
  await page.goto('/audit?range=1h&action=logout&actor=carol@acme.test');
  await expect(page.locator('tr[data-event-id]').first()).toContainText(/Signed out everywhere \(\d+ sessions? ended\)/);
});

test('a cross-origin server action is refused with a 403 and recorded; the refusal route cannot be called directly', async ({ page }) => {
  await signInAt(page, '/audit', 'bob@acme.test');
  const refused = await page.request.post('/members', {
    headers: { origin: 'http://localhost:1', 'next-action': '7f00000000000000000000000000000000000000', 'content-type': 'text/plain;charset=UTF-8' },
    data: '[]',
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);
  const body = await refused.json();
  expect(body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('Origin'), request_id: expect.any(String) });
  expect(refused.headers()['x-request-id']).toBe(body.request_id);

  // A malformed Origin is refused the same way (Next answered it with a 500).
  const malformed = await page.request.post('/audit', {
    headers: { origin: 'not a url', 'next-action': '7f00000000000000000000000000000000000000' },
    data: '[]',
  });
  expect(malformed.status()).toBe(403);

  // Sent straight to the refusal route, nothing is recorded: the proxy answers 404.
  const direct = await page.request.post('/api/internal/cross-origin-refusal', { headers: { origin: 'http://localhost:1' }, data: '[]' });
  expect(direct.status()).toBe(404);

  await page.goto('/audit?range=1h&actor=bob@acme.test&result=failure');
  const row = page.locator('tr[data-event-id]', { hasText: 'Refused a cross-origin form submission to /members' });
  await expect(row.first()).toBeVisible();
  await expect(page.locator('tr[data-event-id]', { hasText: 'cross-origin-refusal' })).toHaveCount(0);
});
