import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The tool sandbox runs tool code in QuickJS (WebAssembly) with a heap limit, inside the
 * opaque-origin iframe's per-call worker. A tool that allocates without end must end as a tool
 * error while the app, and the sandbox, carry on.
 *
 * About `page.on('crash')`: Playwright reports a crash of the sandbox iframe's renderer as a crash
 * of the page too (it listens on every frame's target), so "no crash event" here means that
 * neither the app's process nor the sandbox's died.
 */

const OOM_MESSAGE = 'The tool used more than 256 MiB of memory and was stopped';

/** Shows the tool list, opening the workbench's Tools tab where the layout has one. */
async function showTools(page: Page) {
  const list = page.getByRole('list', { name: 'Tools' });
  if (!(await list.isVisible())) {
    const tab = page.getByRole('tab', { name: 'Tools', exact: true });
    if (!(await tab.isVisible())) {
      await page.getByRole('button', { name: 'Workbench', exact: true }).click();
    }
    await tab.click();
  }
  await expect(list).toBeVisible();
}

/**
 * Opens a tool in the editor, optionally replaces its implementation, runs it with `args` through
 * "Try it" and returns the output panel. The editor stays open: the caller reads the output, then
 * calls `closeEditor` (a newly opened editor shows no output until its own run ends).
 */
async function tryTool(page: Page, name: string, args: string, implementation?: string) {
  await showTools(page);
  await page.getByRole('button', { name, exact: true }).click();
  if (implementation !== undefined) {
    const editor = page.getByRole('group', { name: 'Tool implementation' }).locator('.cm-content');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(implementation);
  }
  await page.getByLabel('Test arguments').fill(args);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const out = page.getByTestId('test-run-output');
  await expect(out).toBeVisible({ timeout: 30_000 });
  return out;
}

async function closeEditor(page: Page) {
  await page.getByRole('button', { name: 'Done' }).click();
}

let crashed = false;

test.beforeEach(async ({ page }) => {
  crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  await page.goto('/');
});

test.afterEach(() => {
  expect(crashed, 'a renderer (the app or the sandbox iframe) crashed').toBe(false);
});

const BOMBS: [string, string][] = [
  [
    'a growing array',
    'async function get_weather() { const a = []; while (true) a.push(new Array(1e6).fill(1)); }',
  ],
  [
    'a growing string',
    "async function get_weather() { const keep = []; let s = ''; while (true) keep.push(s += 'x'.repeat(1e5)); }",
  ],
  [
    'nested objects',
    'async function get_weather() { let o = {}; for (;;) o = { o, items: [1, 2, 3] }; }',
  ],
  ['a giant typed array', 'async function get_weather() { return new Uint8Array(1e9).length; }'],
];

for (const [what, bomb] of BOMBS) {
  test(`a tool that allocates ${what} ends as a tool error and the app stays alive`, async ({
    page,
  }) => {
    const out = await tryTool(page, 'get_weather', '{"city": "Paris"}', bomb);
    await expect(out).toHaveAttribute('data-ok', 'false');
    await expect(out.getByRole('alert')).toHaveText(OOM_MESSAGE);
    await closeEditor(page);

    // The same sandbox runs the next call: nothing was torn down or restarted.
    const next = await tryTool(
      page,
      'get_weather',
      '{"city": "Paris"}',
      'async function get_weather({ city }) { console.log("after the bomb"); return { city, ok: true }; }',
    );
    await expect(next).toHaveAttribute('data-ok', 'true');
    await expect(next.locator('pre').first()).toHaveText(
      JSON.stringify({ city: 'Paris', ok: true }, null, 2),
    );
    await expect(next.locator('pre.logs')).toHaveText('[log] after the bomb');
    await closeEditor(page);
    // The app itself answers.
    await expect(page.getByLabel('Message', { exact: true })).toBeEditable();
  });
}

test('an array too large for any engine is a plain tool error', async ({ page }) => {
  const out = await tryTool(
    page,
    'get_weather',
    '{"city": "Paris"}',
    'async function get_weather() {\n  return new Uint8Array(8e9).length;\n}',
  );
  await expect(out).toHaveAttribute('data-ok', 'false');
  await expect(out.getByRole('alert')).toContainText('RangeError');
  await expect(out.getByRole('alert')).toContainText('(line 2:');
  await closeEditor(page);
});

test('the starter tools run in the sandbox', async ({ page }) => {
  const cases: [string, string, unknown][] = [
    [
      'get_weather',
      '{"city": "Tokyo"}',
      { city: 'Tokyo', temperature: 27, condition: 'humid', unit: 'celsius' },
    ],
    ['calculate', '{"expression": "(2 + 3) * 4"}', { expression: '(2 + 3) * 4', result: 20 }],
    [
      'convert_units',
      '{"value": 10, "from_unit": "km", "to_unit": "mi"}',
      { value: 10, from_unit: 'km', to_unit: 'mi', result: 6.213712 },
    ],
    [
      'get_candidate_status',
      '{"candidate_id": "67890"}',
      { candidate_id: '67890', status: 'Offer Sent' },
    ],
  ];
  for (const [name, args, expected] of cases) {
    const out = await tryTool(page, name, args);
    await expect(out).toHaveAttribute('data-ok', 'true');
    await expect(out.locator('pre').first()).toHaveText(JSON.stringify(expected, null, 2));
    await closeEditor(page);
  }

  // The date tool uses Intl with a time zone: the browser's Intl answers QuickJS's calls.
  const out = await tryTool(page, 'get_current_datetime', '{"timezone": "Asia/Tokyo"}');
  await expect(out).toHaveAttribute('data-ok', 'true');
  const value = JSON.parse((await out.locator('pre').first().textContent()) ?? '') as {
    iso: string;
    formatted: string;
    timezone: string;
  };
  expect(value.timezone).toBe('Asia/Tokyo');
  const expected = await page.evaluate(
    (iso) =>
      new Date(iso).toLocaleString('en-GB', {
        timeZone: 'Asia/Tokyo',
        dateStyle: 'full',
        timeStyle: 'long',
      }),
    value.iso,
  );
  expect(value.formatted).toBe(expected);
  await closeEditor(page);

  const errors = await tryTool(page, 'get_weather', '{"city": "Atlantis"}');
  await expect(errors.getByRole('alert')).toContainText('No weather data for Atlantis');
  await closeEditor(page);
});

test('a tool can use fetch, URL, timers and the console', async ({ page }) => {
  const out = await tryTool(
    page,
    'get_weather',
    '{"city": "São Paulo"}',
    `async function get_weather({ city }) {
  const url = new URL('https://weather.example/v1');
  url.searchParams.set('city', city);
  const res = await fetch('data:application/json,' + encodeURIComponent(JSON.stringify({ city, temperature: 24 })));
  const data = await res.json();
  await new Promise((resolve) => setTimeout(resolve, 10));
  console.info('fetched', res.status, res.headers.get('content-type'));
  return { query: url.search, ok: res.ok, data };
}`,
  );
  await expect(out).toHaveAttribute('data-ok', 'true');
  await expect(out.locator('pre').first()).toHaveText(
    JSON.stringify(
      { query: '?city=S%C3%A3o+Paulo', ok: true, data: { city: 'São Paulo', temperature: 24 } },
      null,
      2,
    ),
  );
  await expect(out.locator('pre.logs')).toHaveText('[info] fetched 200 application/json');
  await closeEditor(page);
});
