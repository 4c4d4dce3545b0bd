import { readFile } from 'node:fs/promises';
import {
  expect,
  GREETING,
  lastAssistant,
  loadModel,
  openPanel,
  SCRIPTED,
  send,
  test,
} from './fixtures';

test('the assistant continues from a reply start the user wrote', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await page.getByLabel('Start the reply myself').check();
  await page.getByLabel('Start of the reply').fill('Hello!');
  await page.getByLabel('Message', { exact: true }).fill('Hi');
  await openPanel(page, 'Inspector');
  // The inspector shows the prompt with the prefill, exactly as it will be sent.
  await expect
    .poll(() => page.getByTestId('prompt-text').textContent())
    .toMatch(/<\|im_start\|>user\nHi<\|im_end\|>\n<\|im_start\|>assistant\nHello!$/);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(lastAssistant(page)).toHaveText(GREETING);
});

test('a follow-up turn reuses the cache of the previous turn', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await send(page, 'Hi');
  await expect(lastAssistant(page)).toHaveText(GREETING);
  await expect(page.getByTestId('reply-stats').last()).not.toContainText('cached');
  await send(page, 'Hi again');
  await expect(page.getByTestId('reply-stats')).toHaveCount(2);
  await expect(page.getByTestId('reply-stats').last()).toContainText(/\(\d+ cached\)/);
});

test('loaded models are listed in the cache with their size and can be deleted', async ({
  page,
}) => {
  await loadModel(page, SCRIPTED);
  await openPanel(page, 'Engine');
  const list = page.getByRole('list', { name: 'Cached models' });
  await expect(list).toContainText(SCRIPTED);
  await expect(list).toContainText(/KB in \d+ files/);
  await expect(page.getByTestId('storage-usage')).toContainText('used of');
  await page.getByRole('button', { name: `Delete ${SCRIPTED} from cache` }).click();
  await expect(page.getByText('Nothing cached yet')).toBeVisible();
});

test('a conversation exports to JSON and imports back; a bad file is explained', async ({
  page,
}) => {
  await loadModel(page, SCRIPTED);
  await send(page, 'Hi there');
  await expect(lastAssistant(page)).toHaveText(GREETING);
  const downloadPromise = page.waitForEvent('download');
  const conversations = page.getByRole('region', { name: 'Conversations' });
  await conversations.getByRole('button', { name: 'Export' }).click();
  const file = await (await downloadPromise).path();
  const json = JSON.parse(await readFile(file, 'utf8'));
  expect(json.conversation.messages.map((m: { content: string }) => m.content)).toEqual([
    'Hi there',
    GREETING,
  ]);

  await page.getByLabel('Import conversation file').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "something else"}'),
  });
  await expect(conversations.getByRole('alert')).toContainText(
    'Not an LFM2 Playground conversation',
  );

  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByRole('log').getByText('Hi there')).toHaveCount(0);
  await page.getByLabel('Import conversation file').setInputFiles(file);
  await expect(page.getByRole('log').getByText('Hi there')).toBeVisible();
  await expect(lastAssistant(page)).toHaveText(GREETING);
});
