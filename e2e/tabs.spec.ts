import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByRole('list', { name: 'Conversations' });
const titles = (page: Page) => list(page).getByRole('listitem');

async function renameActive(page: Page, from: string, to: string) {
  await page
    .getByRole('button', { name: `Rename ${from}` })
    .first()
    .click();
  const field = page.getByRole('textbox', { name: `New name for ${from}` });
  await field.fill(to);
  await field.press('Enter');
}

test('two tabs open at once keep every conversation, and each lists them all', async ({
  context,
}) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/');
  await b.goto('/');
  await renameActive(a, 'New chat', 'From tab A');
  await b.getByRole('button', { name: 'New chat', exact: true }).first().click();
  await renameActive(b, 'New chat', 'From tab B');
  // Each tab shows what the other wrote, without a reload.
  await expect(list(a)).toContainText('From tab B');
  await expect(list(b)).toContainText('From tab A');
  // An edit in one tab reaches the other; a delete there removes it here.
  await renameActive(a, 'From tab A', 'Renamed in A');
  await expect(list(b)).toContainText('Renamed in A');
  await b.getByRole('button', { name: 'Delete From tab B' }).click();
  await expect(list(a)).not.toContainText('From tab B');
  await b.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(list(a)).toContainText('From tab B');
  // Nothing was overwritten: after a reload both tabs read both conversations back.
  for (const page of [a, b]) {
    await page.reload();
    await expect(list(page)).toContainText('Renamed in A');
    await expect(list(page)).toContainText('From tab B');
  }
  await expect(titles(a)).toHaveCount(await titles(b).count());
});
