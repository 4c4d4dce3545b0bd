import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { useLocalFixtures } from '../fixtures/fixture-env';

/**
 * A newcomer's first click on a freshly started dev server must work. Vite optimises the
 * dependencies it finds when it starts; one found later (say, the first time the inference
 * worker is requested) makes it re-optimise and reload the page, losing the click.
 */

const executablePath =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));

let vite: ChildProcess;
let browser: Browser;
let log = '';
let port = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(async () => {
  await useLocalFixtures();
  port = await freePort();
  // --force: optimise from scratch, as on a fresh clone.
  // Vite's own entry run by this Node, so that killing it leaves no server behind.
  vite = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      '--force',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  vite.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  vite.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await vi.waitFor(() => expect(log).toMatch(/ready in/i), { timeout: 60_000, interval: 200 });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  vite?.kill();
});

it('the first Load on a fresh dev server works without the page reloading', async () => {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const repo = 'test-org/LFM2-tiny-scripted-ONNX';
  await page.locator(`option[value="${repo}"]`).waitFor({ state: 'attached', timeout: 60_000 });
  let reloads = 0;
  page.on('framenavigated', (f) => f === page.mainFrame() && reloads++);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(repo);
  await page.getByRole('combobox', { name: 'Device' }).selectOption('wasm');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await page.getByTestId('loaded-model').waitFor({ timeout: 90_000 });
  expect(reloads).toBe(0);
  expect(log).not.toMatch(/optimized dependencies changed/);
}, 180_000);
