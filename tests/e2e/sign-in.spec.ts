import { expect, test } from '@playwright/test';
import { signIn, signInAt, visibleEventIds } from './helpers';

test('a signed-out deep link goes to sign-in and comes back to the very same URL', async ({ page }) => {
  await page.goto('/audit?size=25');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faudit%3Fsize%3D25$/);
  await signIn(page, 'carol@acme.test');
  await expect(page).toHaveURL(/\/audit\?size=25$/);
  expect(await visibleEventIds(page)).toHaveLength(25);
});

test('sign in, see the newest events of the organization, sign out', async ({ page }) => {
  await signInAt(page, '/audit', 'alice@acme.test');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByText('Acme Corp · newest first')).toBeVisible();
  // Times are shown in the browser's zone (Playwright runs this browser in Los Angeles).
  await expect(page.getByText('times in America/Los_Angeles')).toBeVisible();
  const ids = await visibleEventIds(page);
  expect(ids).toHaveLength(50);
  const times = await page.locator('tr[data-event-id] time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
  expect([...times].sort().reverse()).toEqual(times); // newest first
  await expect(page.getByRole('columnheader', { name: /Time \(P[SD]T\)/ })).toBeVisible();
  for (const header of ['User', 'IP', 'Action', 'Object type', 'Object id', 'Message', 'Result']) {
    await expect(page.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
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
  const response = await page.goto('/audit?size=7&cursor=%25%25not-a-cursor&bogus=1');
  expect(response?.status()).toBe(200);
  const notice = page.getByTestId('param-issues');
  await expect(notice).toContainText('Page size "7" is not one of 25, 50, 100, 200');
  await expect(notice).toContainText('The page position in the link is malformed');
  await expect(notice).toContainText('Unknown parameter "bogus" was ignored');
  expect(await visibleEventIds(page)).toHaveLength(50);
});

test('keyset paging moves to older events without gaps or repeats', async ({ page }) => {
  await signInAt(page, '/audit?size=25', 'bob@acme.test');
  const first = await visibleEventIds(page);
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/cursor=/);
  const second = await visibleEventIds(page);
  expect(second).toHaveLength(25);
  expect(second.filter((id) => first.includes(id))).toEqual([]);
  await page.goto('/audit?size=50');
  expect(await visibleEventIds(page)).toEqual([...first, ...second]);
});
