import { test as base, expect, type Page } from '@playwright/test';

export const SCRIPTED = 'test-org/LFM2-tiny-scripted-ONNX';
export const SCRIPTED_25 = 'test-org/LFM2.5-tiny-scripted-ONNX';
export const TRUNCATED = 'test-org/LFM2-tiny-truncated-ONNX';
export const GREETING = 'Hello! How can I help you today?';

const isLocal = (url: string) => {
  const u = new URL(url);
  return !/^https?:$/.test(u.protocol) || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
};

/**
 * Every test fails on any request that leaves the machine: the app must run from the local host
 * alone. Dedicated-worker requests go through context routes in Chromium too.
 */
export const test = base.extend<{ offlineGuard: void }>({
  offlineGuard: [
    async ({ context }, use) => {
      const escaped: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (isLocal(url)) return route.continue();
        escaped.push(url);
        return route.abort('blockedbyclient');
      });
      await use();
      expect(escaped, 'requests that left localhost').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the side with the model panel and conversations where it is a closed drawer. */
export async function showModels(page: Page) {
  const model = page.getByRole('combobox', { name: 'Model', exact: true });
  const toggle = page.getByRole('button', { name: 'Models and conversations', exact: true });
  // The app renders once saved state is read: decide only when it is on screen.
  await expect(toggle).toBeVisible();
  if (!(await model.isVisible())) await toggle.click();
  await expect(model).toBeVisible();
}

/** Shows a workbench tab ("Tools", "Generation", "Inspector", "Engine"), opening its drawer on narrow screens. */
export async function openPanel(page: Page, tab: string) {
  const button = page.getByRole('tab', { name: tab, exact: true });
  const toggle = page.getByRole('button', { name: 'Workbench', exact: true });
  // The app renders once saved state is read: decide only when it is on screen.
  await expect(toggle).toBeVisible();
  if (!(await button.isVisible())) await toggle.click();
  await button.click();
  await expect(button).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('tabpanel', { name: tab, exact: true });
}

/** Expands the active conversation's system prompt and few-shot examples above the chat. */
export async function openSystemPrompt(page: Page) {
  const toggle = page.getByRole('button', { name: /^System prompt/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(page.getByRole('textbox', { name: 'System prompt' })).toBeVisible();
}

export async function pickModel(page: Page, repo: string) {
  await expect(page.locator(`option[value="${repo}"]`)).toBeAttached();
  await showModels(page);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(repo);
}

export async function loadModel(
  page: Page,
  repo: string,
  opts: { device?: 'auto' | 'wasm' | 'webgpu'; dtype?: string } = {},
) {
  await page.goto('/');
  await pickModel(page, repo);
  await page.getByRole('combobox', { name: 'Device' }).selectOption(opts.device ?? 'wasm');
  await page.getByRole('combobox', { name: 'Precision' }).selectOption(opts.dtype ?? 'auto');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('loaded-model')).toBeVisible({ timeout: 60_000 });
}

export async function send(page: Page, text: string) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

export const lastAssistant = (page: Page) => page.getByTestId('assistant-text').last();
