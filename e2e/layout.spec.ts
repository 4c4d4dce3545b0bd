import type { Locator, Page } from '@playwright/test';
import { expect, openPanel, showModels, test } from './fixtures';

type Box = { x: number; y: number; width: number; height: number };

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
  { width: 390, height: 844 },
];
const TABS = ['Tools', 'Generation', 'Inspector', 'Engine'];

/** The element's box, after checking it is visible, inside the viewport and not covered. */
async function visibleBox(page: Page, locator: Locator, name: string): Promise<Box> {
  await expect(locator, name).toBeVisible();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${name} has no box`);
  const { width, height } = page.viewportSize()!;
  expect(box.x, `${name} left edge`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${name} top edge`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${name} right edge`).toBeLessThanOrEqual(width + 0.5);
  expect(box.y + box.height, `${name} bottom edge`).toBeLessThanOrEqual(height + 0.5);
  // Nothing (a drawer, a toast) lies over its centre.
  const onTop = await locator.evaluate(
    (el, [x, y]) => {
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (hit === el || el.contains(hit));
    },
    [box.x + box.width / 2, box.y + box.height / 2] as const,
  );
  expect(onTop, `${name} is not covered`).toBe(true);
  return box;
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

for (const size of SIZES) {
  test(`at ${size.width}×${size.height} the composer, Send and the open panel are all in view, apart`, async ({
    page,
  }) => {
    await page.setViewportSize(size);
    await page.goto('/');
    const message = page.getByLabel('Message', { exact: true });
    await message.fill('Hello');
    for (const tab of TABS) {
      const panel = await openPanel(page, tab);
      const boxes = {
        composer: await visibleBox(page, message, 'composer'),
        send: await visibleBox(page, page.getByRole('button', { name: 'Send' }), 'Send'),
        panel: await visibleBox(page, panel, `${tab} panel`),
      };
      expect(overlaps(boxes.composer, boxes.send), 'composer and Send overlap').toBe(false);
      expect(overlaps(boxes.composer, boxes.panel), `composer and ${tab} overlap`).toBe(false);
      expect(overlaps(boxes.send, boxes.panel), `Send and ${tab} overlap`).toBe(false);
    }
    // The chat comes first: on narrow screens no side is open until asked for.
    if (size.width < 1100) {
      await page.keyboard.press('Escape');
      await expect(page.getByRole('tabpanel')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Workbench', exact: true })).toBeFocused();
    }
  });
}

test('on a phone the model drawer reaches every model control and closes with Escape', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toBeHidden();
  await showModels(page);
  for (const control of [
    page.getByRole('combobox', { name: 'Model', exact: true }),
    page.getByLabel('Custom repo id'),
    page.getByRole('combobox', { name: 'Device' }),
    page.getByRole('combobox', { name: 'Precision' }),
    page.getByRole('button', { name: 'Load', exact: true }),
    // The first: the list below holds a conversation titled "New chat" too.
    page.getByRole('button', { name: 'New chat', exact: true }).first(),
  ]) {
    await control.scrollIntoViewIfNeeded();
    await visibleBox(page, control, String(control));
  }
  await page.keyboard.press('Escape');
  await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toBeHidden();
  await expect(
    page.getByRole('button', { name: 'Models and conversations', exact: true }),
  ).toBeFocused();
  await visibleBox(page, page.getByLabel('Message', { exact: true }), 'composer');
});

test('a conversation is renamed in place, and a deleted one comes back with Undo', async ({
  page,
}) => {
  await page.goto('/');
  const list = page.getByRole('list', { name: 'Conversations' });
  // The title is plain text until the user asks to rename it.
  await expect(list.getByRole('textbox')).toHaveCount(0);
  await page.getByRole('button', { name: 'Rename New chat' }).click();
  const field = page.getByRole('textbox', { name: 'New name for New chat' });
  await field.fill('Trip planning');
  await field.press('Enter');
  await expect(list.getByRole('button', { name: 'Trip planning', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Trip planning' })).toBeVisible();
  await expect(list.getByRole('textbox')).toHaveCount(0);

  // Escape cancels; a double-click on the title in the chat also renames.
  await page.getByRole('button', { name: 'Rename Trip planning' }).click();
  await page.getByRole('textbox', { name: 'New name for Trip planning' }).fill('Nope');
  await page.keyboard.press('Escape');
  await expect(list.getByRole('button', { name: 'Trip planning', exact: true })).toBeVisible();
  await expect(list).not.toContainText('Nope');
  await page.getByRole('heading', { name: 'Trip planning' }).dblclick();
  await page.getByRole('textbox', { name: 'New name for this conversation' }).fill('Paris trip');
  await page.keyboard.press('Enter');
  await expect(list.getByRole('button', { name: 'Paris trip', exact: true })).toBeVisible();

  // Delete, then undo: the conversation is back, in its place, and active again.
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete Paris trip' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  const toast = page.getByRole('status').filter({ hasText: 'Deleted' });
  await expect(toast).toContainText('Deleted “Paris trip”');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('button', { name: 'Paris trip', exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(toast).toHaveCount(0);
});
