import { expect, test } from '@playwright/test';
import { signInAt } from './helpers';

test('another system sends events with an API key and they appear in the log; the key only reads its own organization', async ({ page, request }) => {
  await signInAt(page, '/api-keys', 'bob@acme.test');
  await page.getByLabel('Name').fill('Deploy pipeline');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();

  const event = {
    action: 'publish',
    actor: { type: 'user', id: 'u_42', label: 'dana@partner.example' },
    object: { type: 'flow', id: 'flow_e2e_1', label: 'Invoice sync' },
    message: 'Published flow Invoice sync from the pipeline',
    before: { version: 2, token: 'tok-should-not-leak' },
    after: { version: 3, token: 'tok-new-should-not-leak' },
  };
  const headers = { Authorization: `Bearer ${key}`, 'Idempotency-Key': 'e2e-deploy-1' };
  const first = await request.post('/api/v1/events', { headers, data: event });
  expect(first.status()).toBe(201);
  expect(first.headers()['x-request-id']).toBeTruthy();
  const firstBody = await first.json();
  const retry = await request.post('/api/v1/events', { headers, data: event });
  expect(retry.status()).toBe(201);
  expect(retry.headers()['idempotent-replayed']).toBe('true');
  expect((await retry.json()).data).toEqual(firstBody.data);

  const bad = await request.post('/api/v1/events', {
    headers: { Authorization: `Bearer ${key}` },
    data: [event, { ...event, actor: { type: 'robot', label: 'x' } }],
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors).toEqual([expect.objectContaining({ index: 1, path: 'actor.type' })]);

  expect((await request.get('/api/v1/events', { headers: { Authorization: 'Bearer ak_0000000000_nope' } })).status()).toBe(401);
  const listed = await request.get('/api/v1/events?size=25', { headers: { Authorization: `Bearer ${key}` } });
  expect(listed.status()).toBe(200);
  const ids = (await listed.json()).data.map((e: { id: string }) => e.id);
  expect(ids).toContain(firstBody.data[0].id);

  await page.goto('/audit');
  const row = page.locator(`tr[data-event-id="${firstBody.data[0].id}"]`);
  await expect(row).toContainText('dana@partner.example');
  await expect(row).toContainText('Published flow Invoice sync from the pipeline');
  await expect(row).toContainText('version: 2 → 3');
  await expect(page.locator('tr[data-event-id]', { hasText: 'Listed' }).first()).toContainText('Deploy pipeline');
  await expect(page.locator('body')).not.toContainText('should-not-leak');

  // Globex's owner sees none of it.
  const gina = await (await page.context().browser()!.newContext()).newPage();
  await signInAt(gina, '/audit', 'gina@globex.test');
  await expect(gina.locator(`tr[data-event-id="${firstBody.data[0].id}"]`)).toHaveCount(0);
});
