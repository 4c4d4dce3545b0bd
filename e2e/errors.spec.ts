import {
  expect,
  GREETING,
  lastAssistant,
  openPanel,
  pickModel,
  SCRIPTED,
  send,
  test,
  TRUNCATED,
} from './fixtures';

test('an unknown repo gives a clear error, and loading it is refused with the same reason', async ({
  page,
}) => {
  await page.goto('/');
  await openPanel(page, 'Engine');
  await page.getByLabel('Model host').fill(`${new URL(page.url()).origin}/hub/`);
  await page.getByLabel('Model host').press('Enter');
  await page.getByLabel('Custom repo id').fill('test-org/does-not-exist');
  await page.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByRole('alert').first()).toContainText('not found');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.locator('[data-code="model_not_found"]').last()).toContainText(
    'Check the repo id',
  );
});

test('a malformed repo id is caught before any request', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Custom repo id').fill('not a repo');
  await page.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText('A repo id looks like')).toBeVisible();
});

test('a truncated model file is detected and explained', async ({ page }) => {
  await page.goto('/');
  await pickModel(page, TRUNCATED);
  await page.getByRole('combobox', { name: 'Device' }).selectOption('wasm');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const err = page.locator('[data-code="corrupt_file"]');
  await expect(err).toBeVisible({ timeout: 60_000 });
  await expect(err).toContainText('truncated or corrupt');
  await expect(page.getByTestId('loaded-model')).toHaveCount(0);
});

test('a corrupt cached file is detected, deleted and fetched again', async ({ page }) => {
  await page.goto('/');
  await pickModel(page, SCRIPTED);
  await page.getByRole('combobox', { name: 'Device' }).selectOption('wasm');
  await page.getByRole('combobox', { name: 'Precision' }).selectOption('q8');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q8');
  // Damage the cached weights the way an interrupted write or disk error would.
  const damaged = await page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    const key = (await cache.keys()).find((r) => r.url.endsWith('/onnx/model_quantized.onnx_data'));
    if (!key) return false;
    const bytes = new Uint8Array(await (await cache.match(key))!.arrayBuffer());
    await cache.put(key, new Response(bytes.slice(0, bytes.length >> 1)));
    return true;
  });
  expect(damaged).toBe(true);
  await page.reload();
  await pickModel(page, SCRIPTED);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('loaded-model')).toBeVisible();
  await send(page, 'Hi');
  await expect(lastAssistant(page)).toHaveText(GREETING);
});
