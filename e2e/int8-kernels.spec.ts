import { expect, lastAssistant, loadModel, openPanel, send, test } from './fixtures';

const RANDOM = 'test-org/LFM2-tiny-random-ONNX';

test('on WASM a 4-bit model is repacked onto int8 kernels at load and generates', async ({
  page,
}) => {
  await loadModel(page, RANDOM, { device: 'wasm' });
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q4');
  // 6 layers: 4 conv (2 matmuls) + 2 attention (4) + 3 feed-forward matmuls each.
  await expect(page.getByTestId('loaded-repack')).toContainText(
    '34 4-bit layers run on int8 kernels',
  );
  await expect(page.getByTestId('loaded-repack')).toContainText('last position only');

  await send(page, 'Hello');
  await expect(lastAssistant(page)).not.toBeEmpty({ timeout: 30_000 });
  await expect(page.getByTestId('reply-stats').last()).toContainText(/decode [\d.]+ tok\/s/);
});

test('turning int8 kernels off loads the file as it is', async ({ page }) => {
  await page.goto('/');
  await openPanel(page, 'Engine');
  const toggle = page.getByRole('checkbox', { name: 'Fast int8 kernels on WASM' });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await loadModel(page, RANDOM, { device: 'wasm', dtype: 'q4' });
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q4');
  await expect(page.getByTestId('loaded-repack')).toHaveCount(0);
  // The setting is kept across reloads (auto now picks q8 again, the fastest file as it is).
  await loadModel(page, RANDOM, { device: 'wasm' });
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q8');
});
