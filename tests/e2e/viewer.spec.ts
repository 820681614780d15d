import { expect, test, type Page } from '@playwright/test';
import { signInAt, visibleEventIds } from './helpers';

const cells = (page: Page, column: number) => page.locator(`tr[data-event-id] td:nth-child(${column})`).allInnerTexts();

/** Follows a link and waits for its exact URL, so the next read sees the new page, not the old one. */
async function follow(page: Page, name: string | RegExp) {
  const link = page.getByRole('link', { name }).first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await expect(page).toHaveURL(new URL(href, page.url()).toString());
}

test.describe('the audit log viewer', () => {
  test.beforeEach(async ({ page }) => {
    await signInAt(page, '/audit', 'bob@acme.test');
  });

  test('facet multi-select filters the rows and writes the URL', async ({ page }) => {
    await page.goto('/audit?range=30d');
    await page.getByRole('button', { name: /Filter by action/ }).click();
    await page.getByRole('checkbox', { name: 'delete' }).click();
    await expect(page).toHaveURL(/action=delete/);
    await expect(page.getByRole('checkbox', { name: 'delete' })).toBeChecked();
    await page.getByRole('checkbox', { name: 'create' }).click();
    await expect(page).toHaveURL(/action=delete&action=create|action=create&action=delete/);
    await page.keyboard.press('Escape');
    const actions = await cells(page, 4);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['delete', 'create']));
    await expect(page.getByRole('list', { name: 'Active filters' }).first()).toContainText('Action: delete');
  });

  test('time range presets and a custom range', async ({ page }) => {
    await page.goto('/audit');
    await page.getByLabel('Time range').selectOption('7d');
    await expect(page).toHaveURL(/range=7d/);
    const weekCount = Number((await page.getByTestId('total-count').innerText()).replace(/\D/g, ''));
    await page.getByLabel('Time range').selectOption('1h');
    await expect(page).toHaveURL(/range=1h/);
    const hourCount = Number((await page.getByTestId('total-count').innerText()).replace(/\D/g, ''));
    expect(weekCount).toBeGreaterThan(hourCount);

    await page.getByLabel('Time range').selectOption('custom');
    await page.getByLabel('From').fill('2026-01-01T00:00');
    await page.getByLabel('To').fill('2025-01-01T00:00');
    await expect(page.getByText('The end must be after the start.')).toBeVisible();
    // Values typed in the browser's own zone (Los Angeles here): five to two days ago.
    const [from, to] = await page.evaluate(() => {
      const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      return [local(new Date(Date.now() - 5 * 86_400_000)), local(new Date(Date.now() - 2 * 86_400_000))];
    });
    await page.getByLabel('From').fill(from!);
    await page.getByLabel('To').fill(to!);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/from=.*&to=/);
    const url = new URL(page.url());
    const [start, end] = [new Date(url.searchParams.get('from')!), new Date(url.searchParams.get('to')!)];
    // The pickers show the range as ISO dates, like every other time on the page (not the locale's mm/dd/yyyy).
    await expect(page.getByLabel('From')).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expect(page.getByLabel('To')).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(Math.round((end.getTime() - start.getTime()) / 86_400_000)).toBe(3);
    expect(Math.abs(end.getTime() - (Date.now() - 2 * 86_400_000))).toBeLessThan(5 * 60_000);
    const times = await page.locator('tr[data-event-id] time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')!));
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) {
      expect(new Date(t).getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(new Date(t).getTime()).toBeLessThan(end.getTime());
    }
  });

  test('exact, IP and changed-field filters, and a bad value gets a clear message', async ({ page }) => {
    await page.goto('/audit?range=30d&action=update');
    const objectId = (await cells(page, 6))[0]!;
    await page.getByRole('button', { name: 'More filters' }).click();
    await page.getByLabel('Object id (record primary key)').fill(objectId);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`object=${objectId}`));
    expect(new Set(await cells(page, 6))).toEqual(new Set([objectId]));

    await page.goto('/audit?range=30d&ip=203.0.113.0%2F24');
    const ips = await cells(page, 3);
    expect(ips.length).toBeGreaterThan(0);
    for (const ip of ips) expect(ip).toMatch(/^203\.0\.113\./);

    await page.goto('/audit?range=30d&field=limits');
    const messages = await cells(page, 7);
    expect(messages.length).toBeGreaterThan(0);
    // Updates name the changed path; creates and deletes touch every field, limits included.
    for (const m of messages) expect(m).toMatch(/limits\.|^Created|^Deleted|^Failed/);

    await page.goto('/audit?ip=10.0.0.0%2F99');
    await expect(page.getByTestId('param-issues')).toContainText('"10.0.0.0/99" is not an IP address or CIDR range');
  });

  test('the query box and the controls are two views of one state', async ({ page }) => {
    await page.goto('/audit?range=30d');
    const box = page.getByLabel('Search and filter events');
    await box.fill('action:update -result:success type:flow');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/action=update/);
    await expect(page).toHaveURL(/not\.result=success/);
    await expect(page).toHaveURL(/type=flow/);
    await expect(page).not.toHaveURL(/q=/);
    await expect(page.getByRole('button', { name: /Filter by action \(1 selected\)/ })).toBeVisible();
    expect(new Set(await cells(page, 4))).toEqual(new Set(['update']));
    expect(new Set(await cells(page, 8))).toEqual(new Set(['failure']));

    // Editing a control rewrites the query.
    await page.getByRole('button', { name: /Filter by object type/ }).click();
    await page.getByRole('checkbox', { name: 'connector' }).click();
    await expect(page).toHaveURL(/type=connector/);
    await page.keyboard.press('Escape');
    await expect(box).toHaveValue('action:update type:flow type:connector -result:success');
    // Free text from the box becomes a text filter chip.
    await box.fill('action:update "Postgres connector"');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('link', { name: 'Remove filter Text: “Postgres connector”' })).toBeVisible();
    for (const m of await cells(page, 7)) expect(m.toLowerCase()).toContain('postgres connector');
  });

  test('sorting by a column header toggles direction', async ({ page }) => {
    await page.goto('/audit?range=30d');
    await follow(page, /^Sort by User/);
    await expect(page).toHaveURL(/sort=actor\.asc/);
    const asc = await cells(page, 2);
    expect([...asc].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(asc);
    await follow(page, /^Sort by User/);
    await expect(page).toHaveURL(/sort=actor\.desc/);
    const desc = await cells(page, 2);
    expect([...desc].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(desc);
    await expect(page.getByRole('columnheader', { name: /User/ })).toHaveAttribute('aria-sort', 'descending');
  });

  test('keyset paging forward and back, without gaps or repeats', async ({ page }) => {
    await page.goto('/audit?range=30d&size=25');
    const p1 = await visibleEventIds(page);
    await follow(page, 'Next ›');
    const p2 = await visibleEventIds(page);
    await follow(page, 'Next ›');
    const p3 = await visibleEventIds(page);
    expect(new Set([...p1, ...p2, ...p3]).size).toBe(75);
    await follow(page, '‹ Previous');
    expect(await visibleEventIds(page)).toEqual(p2);
    await follow(page, '‹ Previous');
    expect(await visibleEventIds(page)).toEqual(p1);
    await expect(page.getByText('‹ Previous')).toHaveAttribute('aria-disabled', 'true');
    await page.goto('/audit?range=30d&size=100');
    expect((await visibleEventIds(page)).slice(0, 75)).toEqual([...p1, ...p2, ...p3]);
  });

  test('columns can be hidden and the UTC switch shows UTC times', async ({ page }) => {
    await page.goto('/audit?range=30d');
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'IP' }).click();
    await expect(page).toHaveURL(/cols=/);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('columnheader', { name: /^Sort by IP/ })).toHaveCount(0);
    await page.getByRole('link', { name: 'UTC', exact: true }).click();
    await expect(page).toHaveURL(/tz=utc/);
    await expect(page.getByText('times in UTC')).toBeVisible();
    const first = page.locator('tr[data-event-id] time').first();
    const iso = (await first.getAttribute('datetime'))!;
    await expect(first).toHaveText(iso.slice(0, 19).replace('T', ' '));
  });

  test('copy link pins the view; a signed-out colleague lands on exactly the same rows after signing in', async ({ page, browser, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/audit?range=7d&action=update&sort=actor.asc&size=25');
    const ids = await visibleEventIds(page);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/from=.*to=.*action=update.*sort=actor\.asc.*size=25/);

    const colleague = await (await browser.newContext()).newPage();
    await colleague.goto(link);
    await expect(colleague).toHaveURL(/\/login\?callbackUrl=/);
    await colleague.getByLabel('Email').fill('carol@acme.test');
    await colleague.getByLabel('Password').fill('audit-demo-2026');
    await colleague.getByRole('button', { name: 'Sign in' }).click();
    await expect(colleague).toHaveURL(link);
    expect(await visibleEventIds(colleague)).toEqual(ids);
  });

  test('refresh keeps the view and reset returns to the default', async ({ page }) => {
    await page.goto('/audit?range=7d&result=failure');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page).toHaveURL(/range=7d&result=failure/);
    await page.getByRole('link', { name: 'Reset' }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByLabel('Time range')).toHaveValue('24h');
  });
});
