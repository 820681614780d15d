import { expect, test } from '@playwright/test';
import { signIn, signInAt, visibleEventIds } from './helpers';

test('a signed-out deep link goes to sign-in and comes back to the very same URL', async ({ page }) => {
  await page.goto('/audit?range=30d&size=25');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit%3Frange%3D30d%26size%3D25$/);
  await signIn(page, 'carol@acme.test');
  await expect(page).toHaveURL(/\/audit\?range=30d&size=25$/);
  expect(await visibleEventIds(page)).toHaveLength(25);
});

test('sign in, see the newest events of the organization, sign out', async ({ page }) => {
  await signInAt(page, '/audit', 'alice@acme.test');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByText('Acme Corp · newest first')).toBeVisible();
  // Times are shown in the browser's zone (Playwright runs this browser in Los Angeles).
  await expect(page.getByText('times in America/Los_Angeles')).toBeVisible();
  const ids = await visibleEventIds(page);
  expect(ids.length).toBeGreaterThan(0); // the last 24 hours of the demo history
  const times = await page.locator('tr[data-event-id] time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
  expect([...times].sort().reverse()).toEqual(times); // newest first
  await expect(page.getByRole('columnheader', { name: /Time \(P[SD]T\)/ })).toBeVisible();
  const headers = await page.getByRole('columnheader').allInnerTexts();
  expect(headers.map((h) => h.replace(/[▲▼↕]/g, '').trim().toLowerCase())).toEqual(
    ['time (pst)', 'user', 'ip', 'action', 'object type', 'object id', 'message', 'result', 'source'].map((h) =>
      h.startsWith('time') ? expect.stringMatching(/^time \(p[sd]t\)$/) : h,
    ),
  );

  await page.getByRole('button', { name: 'Sign out' }).click();
  // Signing out records a logout in each of the user's organizations first; allow for it.
  await expect(page).toHaveURL(/\/login/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisible();
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit$/);
});

test('a wrong password gets one clear message and no session', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, 'alice@acme.test', 'not-the-password');
  await expect(page.locator('#login-error')).toHaveText('Invalid email or password.');
  await signIn(page, 'nobody@acme.test', 'whatever');
  await expect(page.locator('#login-error')).toHaveText('Invalid email or password.');
  const session = await page.request.get('/api/auth/session');
  expect(await session.json()).toBeNull();
});

test('an off-site callbackUrl is not followed after sign-in', async ({ page }) => {
  await page.goto('/login?callbackUrl=' + encodeURIComponent('//evil.example/steal'));
  await signIn(page, 'bob@acme.test');
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/audit$/);
});

test('a member (not an auditor) gets a clear 403 page', async ({ page }) => {
  await signInAt(page, '/audit', 'dave@acme.test');
  await expect(page.getByRole('heading', { name: "You don't have access to the audit log" })).toBeVisible();
  await expect(page.getByText('You are a member of Acme Corp')).toBeVisible();
  const response = await page.goto('/audit');
  expect(response?.status()).toBe(403);
  await expect(page.locator('tr[data-event-id]')).toHaveCount(0);
});

test('a malformed URL still renders the page with a clear message', async ({ page }) => {
  await signInAt(page, '/audit', 'bob@acme.test');
  const response = await page.goto('/audit?range=30d&size=7&after=%25%25not-a-cursor&bogus=1');
  expect(response?.status()).toBe(200);
  const notice = page.getByTestId('param-issues');
  await expect(notice).toContainText('Page size "7" is not one of 25, 50, 100, 200');
  await expect(notice).toContainText('The page position in the link is malformed');
  await expect(notice).toContainText('Unknown parameter "bogus"');
  expect(await visibleEventIds(page)).toHaveLength(50);
});
