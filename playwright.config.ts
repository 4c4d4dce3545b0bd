import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { defineConfig } from '@playwright/test';

/**
 * Chromium from the system (Debian's `chromium`) when present, else Playwright's own browser on
 * machines that can download it. CHROMIUM_PATH overrides both.
 */
const systemChromium = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) =>
  existsSync(p),
);
const executablePath = process.env.CHROMIUM_PATH ?? systemChromium;
/** A port nothing listens on now, so the tests always get their own server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

// Set once in the runner; its worker processes inherit it and so agree on the URL.
process.env.E2E_PORT ??= String(await freePort());
const PORT = Number(process.env.E2E_PORT);

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
    // Never someone else's server that happens to listen on the port.
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
