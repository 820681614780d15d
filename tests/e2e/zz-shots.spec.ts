import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`shot ${viewport.width} ${colorScheme}`, async ({ browser, request }) => {
      const kctx = await browser.newContext();
      const kp = await kctx.newPage();
      await signInAt(kp, '/api-keys', 'bob@acme.test');
      await kp.getByLabel('Name').fill(`shot ${viewport.width} ${colorScheme}`);
      await kp.getByRole('button', { name: 'Create key' }).click();
      const key = (await kp.getByTestId('new-api-key').textContent())!.trim();
      await kctx.close();
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      await signInAt(page, '/audit', 'alice@acme.test');
      await page.getByRole('button', { name: 'Live', exact: true }).click();
      await expect(page.getByRole('button', { name: 'Live', exact: true })).toHaveAttribute('data-status', 'live');
      const post = (message: string) =>
        request.post('/api/v1/events', {
          headers: { Authorization: `Bearer ${key}` },
          data: { action: 'publish', actor: { type: 'user', id: 'u1', label: 'dana@partner.example' }, object: { type: 'flow', id: 'flow_9', label: 'Invoice sync' }, message },
        });
      await post('Published flow Invoice sync (live)');
      await expect(page.locator('tr[data-event-id]').first()).toContainText('(live)');
      await page.waitForTimeout(300);
      await page.screenshot({ path: `/tmp/tail-shots/${viewport.width}-${colorScheme}-live.png` });
      await page.getByRole('button', { name: 'Pause' }).click();
      await post('Held one');
      await post('Held two');
      await expect(page.getByRole('button', { name: /new events/ })).toBeVisible();
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(500);
      await page.screenshot({ path: `/tmp/tail-shots/${viewport.width}-${colorScheme}-held.png` });
      await context.close();
    });
  }
}
