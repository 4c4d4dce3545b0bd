import { renderWithTemplate } from './expected-prompt';
import {
  expect,
  GREETING,
  lastAssistant,
  loadModel,
  openPanel,
  openSystemPrompt,
  SCRIPTED,
  send,
  test,
} from './fixtures';

test('loads the scripted model in the worker on WASM, streams a reply with stats', async ({
  page,
}) => {
  await loadModel(page, SCRIPTED, { device: 'wasm' });
  await expect(page.getByTestId('loaded-device')).toHaveText('wasm');
  // The smallest download: 4-bit weights would be repacked onto int8 kernels (this scripted
  // graph has none, so nothing is repacked).
  await expect(page.getByTestId('loaded-dtype')).toHaveText('q4');
  await expect(page.getByTestId('loaded-model')).toContainText('int8 kernels');
  await expect(page.getByTestId('loaded-repack')).toHaveCount(0);
  // Cross-origin isolated, so ONNX Runtime ran with more than one WASM thread (and did not hang).
  await expect(page.getByTestId('capabilities')).toContainText('multi-threaded WASM');
  await expect(page.getByTestId('loaded-model')).toContainText(/[2-9] threads/);

  await send(page, 'Hi there');
  await expect(lastAssistant(page)).toHaveText(GREETING);
  const stats = page.getByTestId('reply-stats').last();
  await expect(stats).toContainText('TTFT');
  await expect(stats).toContainText(/decode [\d.]+ tok\/s/);
  await expect(stats).toContainText(/\d+ in · \d+ out/);
  // The end-of-turn token is kept for the template but never shown.
  await expect(page.locator('.messages')).not.toContainText('<|im_end|>');
});

test('the prompt inspector shows exactly what the chat template renders', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await openSystemPrompt(page);
  await page.getByRole('textbox', { name: 'System prompt' }).fill('You are terse.');
  await send(page, 'Hi there');
  await expect(lastAssistant(page)).toHaveText(GREETING);
  const expected = await renderWithTemplate(SCRIPTED, [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi there' },
    { role: 'assistant', content: GREETING },
  ]);
  await openPanel(page, 'Inspector');
  const shown = page.getByTestId('prompt-text');
  // Byte for byte (toHaveText would normalise whitespace).
  await expect.poll(() => shown.textContent()).toBe(expected);
  expect(expected.startsWith('<|startoftext|><|im_start|>system\nYou are terse.<|im_end|>')).toBe(
    true,
  );
  await expect(page.getByTestId('prompt-token-count')).toHaveText(/^\d+$/);
});

test('stop ends generation mid-reply and keeps the partial text', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await send(page, 'Tell me a story');
  await expect(lastAssistant(page)).toContainText(/\w{3,}/);
  await page.getByRole('button', { name: 'Stop' }).click();
  const bubble = page.locator('article[aria-label="assistant message"]').last();
  await expect(bubble).toHaveAttribute('data-status', 'stopped');
  await expect(bubble.getByText('Stopped')).toBeVisible();
  const stoppedText = (await lastAssistant(page).textContent()) ?? '';
  expect(stoppedText.length).toBeGreaterThan(0);
  // The scripted story is over 600 tokens; stopping early leaves far fewer.
  const outTokens = Number(
    (await page.getByTestId('reply-stats').last().textContent())?.match(/(\d+) out/)?.[1],
  );
  expect(outTokens).toBeGreaterThan(0);
  expect(outTokens).toBeLessThan(600);
  // The main thread stayed responsive during generation, and the app can chat on afterwards.
  await send(page, 'Hi');
  await expect(lastAssistant(page)).toHaveText(GREETING);
});

test('a reload keeps the conversation, even one cut off mid-generation', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await send(page, 'Hi there');
  await expect(lastAssistant(page)).toHaveText(GREETING);
  await send(page, 'Tell me a story');
  await expect(lastAssistant(page)).toContainText(/\w+ \w+ \w+/);
  const shownBefore = (await lastAssistant(page).textContent()) ?? '';
  await page.reload();
  await expect(page.getByRole('log').getByText('Hi there')).toBeVisible();
  await expect(page.getByTestId('assistant-text').first()).toHaveText(GREETING);
  const cut = page.locator('article[aria-label="assistant message"]').last();
  await expect(cut).toHaveAttribute('data-status', 'interrupted');
  const shownAfter = (await lastAssistant(page).textContent()) ?? '';
  expect(shownAfter.length).toBeGreaterThanOrEqual(Math.min(shownBefore.length, 1));
  expect(shownAfter.startsWith(shownBefore.slice(0, 20))).toBe(true);
});

test('the main thread stays responsive while the model generates', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await send(page, 'Tell me a story');
  await expect(lastAssistant(page)).toContainText(/\w{3,}/);
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  // Typing into the composer during generation is handled at once.
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('typed while generating');
  await expect(box).toHaveValue('typed while generating');
  const busy = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        const t0 = performance.now();
        setTimeout(() => done(performance.now() - t0), 0);
      }),
  );
  expect(busy).toBeLessThan(1000);
  // Still streaming: the reply grew while we interacted with the page.
  const before = (await lastAssistant(page).textContent())?.length ?? 0;
  await expect
    .poll(async () => (await lastAssistant(page).textContent())?.length ?? 0)
    .toBeGreaterThan(before);
});
