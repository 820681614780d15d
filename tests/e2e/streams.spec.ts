import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startWebhookReceiver, TEST_CA_PEM, type WebhookReceiver } from '../support/webhook-receiver';
import { signInAt } from './helpers';

const STORE = path.resolve('test-results/streams-received.jsonl');

async function ingest(page: Page, key: string, n: number, label: string): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => ({
    action: 'update',
    actor: { type: 'user', id: 'u_stream', label: 'stream@partner.example' },
    object: { type: 'flow', id: `flow_${label}_${i}`, label: `Flow ${i}` },
    message: `${label} ${i}`,
  }));
  const res = await page.request.post('/api/v1/events', { headers: { Authorization: `Bearer ${key}` }, data: events });
  expect(res.status()).toBe(201);
  return (await res.json()).data.map((e: { id: string }) => e.id);
}

const receivedIds = (r: WebhookReceiver) => new Set(r.stored.flatMap((b) => b.body.events.map((e) => String(e.id))));

test('an admin streams the log to a webhook: every entry arrives signed, survives a failing receiver, and the verifier passes', async ({ page }) => {
  fs.mkdirSync(path.dirname(STORE), { recursive: true });
  fs.rmSync(STORE, { force: true });
  let secret: string | null = null;
  const receiver = await startWebhookReceiver(() => secret, { storeFile: STORE });
  try {
    await signInAt(page, '/streams', 'bob@acme.test');
    await expect(page.getByRole('heading', { name: 'Streams' })).toBeVisible();
    await expect(page.getByText('No destinations yet. Add one below.')).toBeVisible();
    await page.getByLabel('Name').fill('SIEM webhook');
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('CA certificate (PEM, optional)').fill(TEST_CA_PEM);
    await page.getByRole('button', { name: 'Add destination' }).click();
    secret = (await page.getByTestId('new-stream-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.reload();
    // Shown once: not on the page any more.
    await expect(page.locator('body')).not.toContainText(secret);
    const card = page.locator('article[data-stream="SIEM webhook"]');
    await expect(card).toBeVisible();

    await card.getByRole('button', { name: 'Send test event' }).click();
    await expect(card.getByText('Test event delivered.')).toBeVisible();

    await page.goto('/api-keys');
    await page.getByLabel('Name').fill('Stream feeder');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();

    const first = await ingest(page, key, 40, 'steady');
    await expect.poll(() => first.filter((id) => receivedIds(receiver).has(id)).length, { timeout: 30_000 }).toBe(40);

    // The receiver fails for a while: the screen shows it, nothing is lost.
    receiver.setMode('fail500');
    const during = await ingest(page, key, 25, 'outage');
    await page.goto('/streams');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('article[data-stream="SIEM webhook"]').getByTestId('stream-status').textContent();
        },
        { timeout: 30_000 },
      )
      .toBe('Failing');
    await expect(card.getByTestId('stream-last-error')).toContainText('HTTP 500');
    receiver.setMode('ok');
    await expect.poll(() => during.filter((id) => receivedIds(receiver).has(id)).length, { timeout: 30_000 }).toBe(25);
    await expect
      .poll(
        async () => {
          await page.reload();
          return card.getByTestId('stream-status').textContent();
        },
        { timeout: 30_000 },
      )
      .toBe('Caught up');
    await expect(card.getByTestId('stream-failures')).toHaveText('0');
    expect(receiver.badSignatures).toEqual([]);

    // The receiver's own copy checks out with the verifier CLI.
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/verify-stream.ts', STORE], { encoding: 'utf8' });
    expect(out).toMatch(/^received \d+ events in \d+ batches.* -> verified from #\d+ through #\d+/);

    // Auditors see the destination and its health, without controls.
    const carol = await (await page.context().browser()!.newContext()).newPage();
    await signInAt(carol, '/streams', 'carol@acme.test');
    await expect(carol.locator('article[data-stream="SIEM webhook"]')).toBeVisible();
    await expect(carol.getByText('Add a destination')).toHaveCount(0);
    await expect(carol.getByRole('button', { name: 'Pause' })).toHaveCount(0);

    // Members get a 403.
    const dave = await (await page.context().browser()!.newContext()).newPage();
    await signInAt(dave, '/account', 'dave@acme.test');
    expect((await dave.goto('/streams'))?.status()).toBe(403);

    // Screenshots of the screen for review (phone and desktop, light and dark).
    for (const [w, h] of [
      [390, 844],
      [1440, 900],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.reload();
        await page.screenshot({ path: `test-results/streams-${w}x${h}-${scheme}.png`, fullPage: w < 1000 });
      }
    }
  } finally {
    await receiver.close();
  }
});
