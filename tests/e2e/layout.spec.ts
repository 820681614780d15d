import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signIn, signInAt, visibleEventIds } from './helpers';

const PHONE = { width: 390, height: 844 };
const OWNER_PAGES = ['/audit?range=30d', '/members', '/api-keys', '/streams', '/settings', '/account', '/integrity'] as const;

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${page.url()} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
}

/** The id of a recent update whose before and after snapshots differ (it has a diff to show). */
async function anUpdateWithSnapshots(page: Page): Promise<string> {
  await page.goto('/audit?range=30d&action=update&result=success');
  return (await visibleEventIds(page))[0]!;
}

test.describe('on a phone', () => {
  test.use({ viewport: PHONE });

  test('no page is wider than the screen; the navigation folds into a menu', async ({ page }) => {
    await page.goto('/login');
    await noSidewaysScroll(page);
    await signIn(page, 'alice@acme.test');
    await expect(page).toHaveURL(/\/audit/);
    for (const path of OWNER_PAGES) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await noSidewaysScroll(page);
    }
    await expect(page.getByRole('link', { name: 'Members' })).toBeHidden();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Members' }).click();
    await expect(page).toHaveURL(/\/members$/);
    await expect(page.getByRole('button', { name: 'Menu' })).toHaveAttribute('aria-expanded', 'false');
  });

  test('events are readable cards; the detail fills the screen and its diff is unified', async ({ page }) => {
    await signInAt(page, '/audit?range=30d', 'alice@acme.test');
    const card = page.locator('tr[data-event-id]').first();
    // Time, actor, action, object type, message and result all show in the card, inside the screen.
    for (const n of [1, 2, 4, 5, 7, 8]) {
      const box = (await card.locator(`td:nth-child(${n})`).boundingBox())!;
      expect(box.width).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    const id = await anUpdateWithSnapshots(page);
    await page.goto(`/audit?range=30d&action=update&result=success&event=${id}`);
    await noSidewaysScroll(page);
    const sheet = page.getByRole('dialog');
    const close = (await sheet.getByRole('button', { name: 'Close event details' }).boundingBox())!;
    expect(close.x + close.width).toBeLessThanOrEqual(PHONE.width);
    await sheet.getByRole('button', { name: 'View difference' }).click();
    await expect(sheet.getByText('Before → after')).toBeVisible();
    await expect(sheet.getByRole('button', { name: 'Split' })).toHaveCount(0);
  });
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
]) {
  test(`every default column fits a ${viewport.width}px screen without scrolling sideways`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signInAt(page, '/audit?range=30d', 'bob@acme.test');
    const table = page.getByRole('table', { name: 'Audit events' });
    await expect(table).toBeVisible();
    const box = await table.evaluate((t) => {
      const scroller = t.parentElement!;
      return { scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth, right: scroller.getBoundingClientRect().right };
    });
    expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
    const headers = table.getByRole('columnheader');
    await expect(headers).toHaveCount(9);
    for (const header of await headers.all()) {
      const b = (await header.boundingBox())!;
      expect(b.x + b.width, await header.innerText()).toBeLessThanOrEqual(box.right + 0.5);
    }
    // A long message is cut to two lines in the table and kept whole on hover.
    const message = page.locator('tr[data-event-id] td:nth-child(7) span[title]').first();
    expect(await message.getAttribute('title')).toBe(await message.textContent());
  });
}

test('a bad value typed into More filters or the query box is marked there, and the rows stay', async ({ page }) => {
  test.setTimeout(60_000);
  await signInAt(page, '/audit?range=30d', 'bob@acme.test');
  const before = await visibleEventIds(page);
  const url = page.url();
  await page.getByRole('button', { name: 'More filters' }).click();
  await expect(page.getByLabel('IP address or CIDR range')).toBeVisible();
  const ip = page.getByLabel('IP address or CIDR range');
  await ip.fill('10.0.0.0/99');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(ip).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#more-ip-error')).toHaveText('"10.0.0.0/99" is not an IP address or CIDR range (like 10.0.0.0/8 or 2001:db8::/32).');
  await expect(page.getByTestId('param-issues')).toHaveCount(0);
  expect(page.url()).toBe(url);
  expect(await visibleEventIds(page)).toEqual(before);
  // Corrected, it applies.
  await ip.fill('203.0.113.0/24');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/ip=203\.0\.113\.0%2F24/, { timeout: 15_000 });

  await page.goto('/audit?range=7d');
  const rows = await visibleEventIds(page);
  const box = page.getByLabel('Search and filter events');
  await box.fill('action:update created:someday');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('query-problems')).toContainText('"created:someday" needs a date');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/audit\?range=7d$/);
  expect(await visibleEventIds(page)).toEqual(rows);
});

test('a change of view shows progress: a top bar, the stale rows dimmed, paging disabled', async ({ page }) => {
  await signInAt(page, '/audit?range=30d&size=25', 'bob@acme.test');
  await visibleEventIds(page);
  // Hold the server's answer to the navigation, so the pending state can be seen.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/audit\?/, async (route) => {
    if (route.request().headers()['rsc']) await held;
    await route.continue();
  });
  await page.getByRole('link', { name: 'Next ›' }).click();
  await expect(page.getByTestId('view-progress')).toBeVisible();
  await expect(page.locator('[data-pending]').first()).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByRole('link', { name: 'Next ›' })).toHaveCount(0);
  release();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByTestId('view-progress')).toBeHidden();
  await expect(page.getByRole('link', { name: 'Next ›' })).toBeVisible();
});

test('a member lands on their account with a sentence on who reads the log, and sees only that page', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, 'dave@acme.test');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByTestId('member-notice')).toContainText('The audit log is for owners, admins and auditors.');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Account']);
  // A link to the log still explains itself and offers the way back.
  const response = await page.goto('/audit');
  expect(response?.status()).toBe(403);
  await page.getByRole('link', { name: 'Go to your account' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('an auditor sees no link to the owners-only integrity page', async ({ page }) => {
  await signInAt(page, '/audit', 'carol@acme.test');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Events', 'Members', 'API keys', 'Streams', 'Settings', 'Account']);
});

test('Members: the saved role stays selected and a success message says so', async ({ page }) => {
  await signInAt(page, '/members', 'alice@acme.test');
  const row = page.locator('tr[data-member="dave@acme.test"]');
  const select = row.getByLabel('Role of dave@acme.test');
  await expect(row.getByTestId('member-role')).toHaveText('member');
  await select.selectOption('auditor');
  await row.getByRole('button', { name: 'Save role' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved: dave@acme.test is now an auditor.');
  await expect(row.getByTestId('member-role')).toHaveText('auditor');
  await expect(select).toHaveValue('auditor');
  // Back to the demo's role, for the tests after this one.
  await select.selectOption('member');
  await row.getByRole('button', { name: 'Save role' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved: dave@acme.test is now a member.');
  await expect(select).toHaveValue('member');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no axe (WCAG 2.1 AA) violations on the main pages, ${colorScheme}`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme });
    await page.goto('/login');
    const check = async () => {
      const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(
        violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        page.url(),
      ).toEqual([]);
    };
    await check();
    await signIn(page, 'alice@acme.test');
    await expect(page).toHaveURL(/\/audit/);
    for (const path of OWNER_PAGES) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await check();
    }
    // The detail sheet, then its diff, and the extra columns.
    const id = await anUpdateWithSnapshots(page);
    await page.goto(`/audit?range=30d&action=update&result=success&cols=time,actor,actor_id,module,project,message,changes,data,result,request_id&event=${id}`);
    const sheet = page.getByRole('dialog');
    await expect(sheet).toBeVisible();
    await check();
    await sheet.getByRole('button', { name: 'View difference' }).click();
    // The diff is drawn after a worker compares the snapshots: wait for its changed lines.
    await expect(sheet.getByRole('button', { name: 'Hide difference' })).toBeVisible();
    await expect(sheet.locator('table td').filter({ hasText: /\S/ }).nth(3)).toBeVisible();
    await check();
    // An invitation link, as the invited person sees it (signed out).
    await page.goto('/members');
    await page.getByLabel('Email').fill(`axe-${colorScheme}@acme.test`);
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = (await page.getByTestId('invitation-link').textContent())!.trim();
    await check();
    await page.context().clearCookies();
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await check();
    // A member's landing page and the 403 they get from a link to the log.
    await page.context().clearCookies();
    await page.goto('/login');
    await signIn(page, 'dave@acme.test');
    await expect(page.getByTestId('member-notice')).toBeVisible();
    await check();
    await page.goto('/audit');
    await check();
  });
}
