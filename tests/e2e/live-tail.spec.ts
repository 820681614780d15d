import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { signInAt } from './helpers';

/** A new API key of the organization `email` administers (the secret is shown once). */
async function createKey(browser: Browser, email: string, name: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAt(page, '/api-keys', email);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  await context.close();
  return key;
}

async function ingest(request: APIRequestContext, key: string, event: { message: string; action?: string }): Promise<string> {
  const response = await request.post('/api/v1/events', {
    headers: { Authorization: `Bearer ${key}` },
    data: { action: event.action ?? 'publish', object: { type: 'flow', id: 'flow_live', label: 'Live flow' }, message: event.message },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).data[0].id;
}

const firstRow = (page: Page) => page.locator('tr[data-event-id]').first();

async function turnLiveOn(page: Page) {
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Live', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Live', exact: true })).toHaveAttribute('data-status', 'live');
}

test('Live shows events ingested through the API at the top without a reload, never another organization’s, and holds them while paused', async ({
  page,
  browser,
  request,
}) => {
  const acmeKey = await createKey(browser, 'bob@acme.test', 'Live tail e2e');
  const globexKey = await createKey(browser, 'gina@globex.test', 'Globex live e2e');

  await signInAt(page, '/audit', 'alice@acme.test');
  await turnLiveOn(page);
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { liveMark: boolean }).liveMark = true));

  const first = await ingest(request, acmeKey, { message: 'Live one from the pipeline' });
  await expect(firstRow(page)).toHaveAttribute('data-event-id', first);
  await expect(firstRow(page)).toContainText('Live one from the pipeline');

  // Globex's event is recorded before Acme's second one: once the second is on screen, Globex's had its chance.
  await ingest(request, globexKey, { message: 'Globex secret live event' });
  const second = await ingest(request, acmeKey, { message: 'Live two from the pipeline' });
  await expect(firstRow(page)).toHaveAttribute('data-event-id', second);
  await expect(page.locator('body')).not.toContainText('Globex secret live event');

  // Paused: new events are held and counted; the bar shows them.
  await page.getByRole('button', { name: 'Pause' }).click();
  const third = await ingest(request, acmeKey, { message: 'Live three while paused' });
  const bar = page.getByRole('button', { name: /^1 new event/ });
  await expect(bar).toBeVisible();
  await expect(page.locator(`tr[data-event-id="${third}"]`)).toHaveCount(0);
  await bar.click();
  await expect(firstRow(page)).toHaveAttribute('data-event-id', third);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();

  // Scrolled down the table: new rows are held too (nothing moves under the reader); the bar shows them at the top.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const fourth = await ingest(request, acmeKey, { message: 'Live four while reading further down' });
  const scrolledBar = page.getByRole('button', { name: /^1 new event/ });
  await expect(scrolledBar).toBeInViewport();
  await expect(page.locator(`tr[data-event-id="${fourth}"]`)).toHaveCount(0);
  await scrolledBar.click();
  await expect(firstRow(page)).toHaveAttribute('data-event-id', fourth);
  await expect(firstRow(page)).toBeInViewport();

  expect(await page.evaluate(() => (window as unknown as { liveMark?: boolean }).liveMark)).toBe(true);

  // The view's filters apply live: with action=delete, a publish does not show and a delete does.
  await page.goto('/audit?action=delete');
  await turnLiveOn(page);
  await ingest(request, acmeKey, { message: 'A publish the filter hides' });
  const deleted = await ingest(request, acmeKey, { message: 'A delete the filter shows', action: 'delete' });
  await expect(firstRow(page)).toHaveAttribute('data-event-id', deleted);
  await expect(page.locator('body')).not.toContainText('A publish the filter hides');

  // Turning it off closes the stream: nothing more arrives.
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Live', exact: true })).toHaveAttribute('aria-pressed', 'false');
});

test('the live stream refuses a member and a signed-out visitor', async ({ page, request }) => {
  expect((await request.get('/api/audit/live')).status()).toBe(401);
  await signInAt(page, '/account', 'dave@acme.test');
  const status = await page.evaluate(async () => (await fetch('/api/audit/live')).status);
  expect(status).toBe(403);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no axe violations on the viewer with Live on and the new-events bar showing, ${colorScheme}`, async ({ page, browser, request }) => {
    const key = await createKey(browser, 'bob@acme.test', `Axe live ${colorScheme}`);
    await page.emulateMedia({ colorScheme });
    await signInAt(page, '/audit', 'alice@acme.test');
    await turnLiveOn(page);
    await ingest(request, key, { message: `Shown live (${colorScheme})` });
    await expect(firstRow(page)).toContainText(`Shown live (${colorScheme})`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await ingest(request, key, { message: `Held live (${colorScheme})` });
    await expect(page.getByRole('button', { name: /^1 new event/ })).toBeVisible();
    // After the new row's tint has faded (axe reads colors as they are at that moment).
    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-live]')].every((row) => row.getAnimations().length === 0));
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}
