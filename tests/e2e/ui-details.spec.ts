import { expect, test, type Page } from '@playwright/test';
import { signInAt, visibleEventIds } from './helpers';

const PHONE = { width: 390, height: 844 };

/** The actor labels of the rows on the page, in order. */
const actorLabels = (page: Page) =>
  page.locator('tr[data-event-id] td:nth-child(2) span[title]').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));

test('sorting by user ignores case: "alice…" comes before "CI deploy key" and "System scheduler"', async ({ page }) => {
  // Four days of the demo narrowed to three actors (other specs add events of their own to these days), on one page.
  const to = new Date();
  const from = new Date(to.getTime() - 4 * 86_400_000);
  const actors = ['System scheduler', 'alice@acme.test', 'CI deploy key'].map((a) => `actor=${encodeURIComponent(a)}`).join('&');
  await signInAt(page, `/audit?from=${from.toISOString()}&to=${to.toISOString()}&${actors}&sort=actor.asc&size=200`, 'bob@acme.test');
  await visibleEventIds(page);
  const labels = await actorLabels(page);
  const distinct = [...new Set(labels)];
  // Both cases are on the page, so a case-sensitive sort would put the capitals first.
  expect(distinct.some((l) => /^[A-Z]/.test(l))).toBe(true);
  expect(distinct.some((l) => /^[a-z]/.test(l))).toBe(true);
  expect(distinct).toEqual([...distinct].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  expect(distinct).toEqual(['alice@acme.test', 'CI deploy key', 'System scheduler']);
});

test('the Columns menu adds module, changes and before/after as table columns', async ({ page }) => {
  await signInAt(page, '/audit?range=30d&action=update&result=success', 'bob@acme.test');
  await visibleEventIds(page);
  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByRole('group', { name: 'Visible columns' });
  for (const label of ['Actor id', 'Module', 'Project', 'Changes', 'Before / after', 'Request id']) await expect(menu.getByLabel(label)).not.toBeChecked();
  await menu.getByLabel('Module').check();
  await expect(page).toHaveURL(/cols=[^&]*module/);
  await menu.getByLabel('Changes').check();
  await expect(page).toHaveURL(/cols=[^&]*changes/);
  await page.keyboard.press('Escape');
  const table = page.getByRole('table', { name: 'Audit events' });
  await expect(table.getByRole('columnheader', { name: 'Module' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Changes' })).toBeVisible();
  // An update's changes, as `field: old → new`, in their own column.
  const changes = table.locator('tr[data-event-id]').first().getByRole('list', { name: 'Changes' });
  await expect(changes.locator('li').first()).toHaveText(/^[\w.]+: .+ → .+$/);
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const moduleColumn = headers.findIndex((h) => h.trim().toLowerCase() === 'module') + 1;
  expect(moduleColumn).toBeGreaterThan(0);
  const modules = await table.locator(`tr[data-event-id] td:nth-child(${moduleColumn})`).allInnerTexts();
  expect(modules.filter((m) => m !== '—').length).toBeGreaterThan(0);
  // The message no longer repeats them.
  await expect(table.getByRole('list', { name: 'Changed fields' })).toHaveCount(0);
});

test('a skip link is the first Tab stop and lands on the page content', async ({ page }) => {
  await signInAt(page, '/audit?range=30d', 'bob@acme.test');
  await visibleEventIds(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  // The next Tab stop is inside the page, not in the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest('main')))).toBe(true);
});

test('Escape closes the detail and puts the focus back on the row that opened it', async ({ page }) => {
  await signInAt(page, '/audit?range=30d', 'bob@acme.test');
  const ids = await visibleEventIds(page);
  const row = page.locator(`tr[data-event-id="${ids[3]}"]`);
  await row.locator('a').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`event=${ids[3]}`));
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page).not.toHaveURL(/event=/);
  await expect(row.locator('a').first()).toBeFocused();
});

test('a wrong current password shows one message, at the field', async ({ page }) => {
  await signInAt(page, '/account', 'bob@acme.test');
  await page.getByLabel('Current password').fill('not-bobs-password');
  await page.getByLabel('New password', { exact: true }).fill('a-new-password-123');
  await page.getByLabel('Repeat the new password').fill('a-new-password-123');
  await page.getByRole('button', { name: 'Change password' }).click();
  const form = page.locator('form').filter({ has: page.getByLabel('Current password') });
  await expect(form.getByRole('alert')).toHaveText('Not your current password.');
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText(/not correct/)).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: PHONE });

  test('members, API keys, settings, account and integrity fit the screen: nothing scrolls sideways, not even inside a box', async ({ page }) => {
    await signInAt(page, '/members', 'alice@acme.test');
    for (const path of ['/members', '/api-keys', '/settings', '/account', '/integrity']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      // No box that scrolls sideways (the tables used to, inside their border), and nothing drawn past the right edge.
      const scrollers = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('main *')]
          .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()} ${el.scrollWidth}>${el.clientWidth}`),
      );
      expect(scrollers, path).toEqual([]);
      const right = await page.evaluate(() =>
        Math.max(
          ...[...document.querySelectorAll('main *')]
            // Visually hidden content (screen readers only: a table header on a phone) is clipped, not drawn.
            .filter((el) => {
              for (let e: Element | null = el; e; e = e.parentElement) if (getComputedStyle(e).clipPath !== 'none') return false;
              return true;
            })
            .map((el) => el.getBoundingClientRect())
            .filter((r) => r.width > 0 && r.height > 0)
            .map((r) => r.right),
        ),
      );
      expect(right, path).toBeLessThanOrEqual(PHONE.width);
    }
    // The demo's keys are on the page, as cards.
    await page.goto('/api-keys');
    await expect(page.locator('tr[data-api-key="CI deploy key"]')).toContainText('active');
  });
});
