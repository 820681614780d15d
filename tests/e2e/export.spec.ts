import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('exporting the current view downloads the same rows as CSV, and the export is audited', async ({ page }) => {
  await signInAt(page, '/audit?range=30d&action=delete', 'carol@acme.test');
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/\D/g, ''));
  await page.getByRole('button', { name: /Export/ }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log_acme_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z\.csv$/);
  const text = (await (await download.createReadStream()).toArray()).map((b) => b.toString()).join('');
  const lines = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toContain('Event id');
  // Messages have no line breaks in the demo data, so one line per event.
  expect(lines.length - 1).toBe(total);
  expect(lines.slice(1).every((l) => l.includes(',delete,'))).toBe(true);

  await page.goto('/audit?range=1h&action=export&actor=carol@acme.test');
  await expect(page.locator('tr[data-event-id]').first()).toContainText('export');
});

test('"CSV with proof" downloads the CSV with its sidecar, and the verifier confirms it with only the public key', async ({ page }) => {
  // The organization's note verifier key, as an owner reads it off the Integrity page ahead of time.
  await signInAt(page, '/integrity', 'alice@acme.test');
  const key = (await page.getByTestId('integrity-vkey').innerText()).trim();
  await page.goto('/audit?range=30d&action=delete');
  await page.getByRole('button', { name: /Export/ }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /CSV with proof/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log_acme_.*\.zip$/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-csv-proof-')), download.suggestedFilename());
  await download.saveAs(file);
  // No database and no settings: the command reads the zip and the key.
  const run = spawnSync('npx', ['tsx', 'scripts/verify-export.ts', file, '--key', key], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
  expect(run.stdout, run.stderr).toMatch(/^verified: [1-9]\d* rows, [1-9]\d* proven on the signed log$/m);
  expect(run.status).toBe(0);
});

test('a member cannot export', async ({ page }) => {
  await signInAt(page, '/account', 'dave@acme.test');
  const response = await page.request.get('/audit/export?format=csv');
  expect(response.status()).toBe(403);
});

test('a PDF renders off the main thread: other requests are answered while it is laid out', async ({ page, browser }) => {
  await signInAt(page, '/audit', 'carol@acme.test');
  // About 800 of the demo's 3,000 events (90 days): under the 1,000-row PDF cap, and seconds of layout.
  const from = new Date(Date.now() - 24 * 86_400_000).toISOString();
  const query = `from=${encodeURIComponent(from)}`;
  await page.goto(`/audit?${query}`);
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/\D/g, ''));
  expect(total).toBeGreaterThan(300);
  expect(total).toBeLessThanOrEqual(1000);

  const finished: string[] = [];
  const pdf = page.request.get(`/audit/export?format=pdf&${query}`).then(async (response) => {
    finished.push('pdf');
    return response;
  });
  // A colleague opens the log while the PDF is being laid out (reading ~800 rows takes a fraction of a second).
  const colleague = await browser.newPage();
  await colleague.waitForTimeout(1_500);
  await signInAt(colleague, '/audit?range=24h', 'alice@acme.test');
  await expect(colleague.locator('tr[data-event-id]').first()).toBeVisible();
  finished.push('page');
  await colleague.close();

  const response = await pdf;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/pdf');
  const body = await response.body();
  expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // The worker the build compiled lays out the real document: title, organization and page count as text.
  const text = execFileSync('/usr/bin/pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], { input: body, encoding: 'utf8' });
  expect(text).toContain('Organization: Acme Corp (acme)');
  expect(text).toMatch(/Page 1 of \d+/);
  // Rendered on the main thread, the page could only be answered once the PDF was done.
  expect(finished).toEqual(['page', 'pdf']);
});
