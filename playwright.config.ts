import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Chromium from the system (Debian's `chromium`) when present, else Playwright's own browser on
 * machines that can download it. CHROMIUM_PATH overrides both.
 */
const systemChromium = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) =>
  existsSync(p),
);
const executablePath = process.env.CHROMIUM_PATH ?? systemChromium;
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // SwiftShader's WebGPU adapter, so the WebGPU code path runs without a GPU.
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    // The production build, served with the same cross-origin isolation headers as in dev.
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
