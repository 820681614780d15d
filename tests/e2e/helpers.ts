import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'audit-demo-2026';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAt(page: Page, path: string, email: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'Sign in to the audit log' })).toBeVisible();
  await signIn(page, email);
  await expect(page).not.toHaveURL(/\/login/);
}

/** Event ids of the rows on the current page, in order. */
export async function visibleEventIds(page: Page): Promise<string[]> {
  await expect(page.getByRole('table', { name: 'Audit events' })).toBeVisible();
  return page.locator('tr[data-event-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id') ?? ''));
}
