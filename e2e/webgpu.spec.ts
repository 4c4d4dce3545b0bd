import { expect, GREETING, lastAssistant, loadModel, SCRIPTED, send, test } from './fixtures';

test('the same model loads and chats on WebGPU (SwiftShader adapter)', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await expect(page.getByTestId('capabilities')).toContainText('WebGPU:');
  const caps = (await page.getByTestId('capabilities').textContent()) ?? '';
  test.skip(caps.includes('not available'), 'this Chromium exposes no WebGPU adapter');
  await loadModel(page, SCRIPTED, { device: 'webgpu' });
  await expect(page.getByTestId('loaded-device')).toHaveText('webgpu');
  // No shader-f16 on SwiftShader, so auto picks q4 rather than q4f16.
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q4');
  await send(page, 'Hi there');
  await expect(lastAssistant(page)).toHaveText(GREETING, { timeout: 120_000 });
});
