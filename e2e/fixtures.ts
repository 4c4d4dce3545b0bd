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

export async function pickModel(page: Page, repo: string) {
  await expect(page.locator(`option[value="${repo}"]`)).toBeAttached();
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
