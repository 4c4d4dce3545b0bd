import type { Page } from '@playwright/test';
import { expect, lastAssistant, loadModel, openPanel, SCRIPTED, send, test } from './fixtures';

const ANSWER = 'The weather in Paris is sunny and 22 degrees.';

async function replaceCode(page: Page, label: string, text: string) {
  const editor = page.getByRole('group', { name: label }).locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Replaces the starter tools with one tool written through the editor. */
async function defineTool(
  page: Page,
  name: string,
  implementation: string,
  params = '{"city": {"type": "string"}}',
) {
  for (const n of [
    'get_weather',
    'get_candidate_status',
    'calculate',
    'get_current_datetime',
    'convert_units',
  ])
    await page.getByRole('button', { name: `Delete ${n}` }).click();
  await page.getByRole('button', { name: 'Add tool' }).click();
  await replaceCode(
    page,
    'Tool definition',
    `{"name": "${name}", "description": "Weather for a city", "parameters": {"type": "object", "properties": ${params}, "required": ["city"]}}`,
  );
  await replaceCode(page, 'Tool implementation', implementation);
  await expect(page.getByRole('list', { name: 'Definition problems' }).locator('li')).toHaveCount(
    0,
  );
  await expect(
    page.getByRole('list', { name: 'Implementation problems' }).locator('li'),
  ).toHaveCount(0);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByLabel('Offer enabled tools to the model').check();
}

test('a tool written in the editor runs through all four stages', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await defineTool(
    page,
    'get_weather',
    `async function get_weather({ city }) {\n  console.log('looking up', city);\n  return { city, temperature: 22 };\n}`,
  );
  await send(page, 'What is the weather in Paris?');

  await expect(lastAssistant(page)).toHaveText(ANSWER);
  // (1) the definitions as rendered in the system prompt
  const defs = page.getByTestId('stage-definitions');
  await defs.locator('summary').click();
  await expect(defs).toContainText('List of tools: <|tool_list_start|>[{"name": "get_weather"');
  // (2) the raw call and the parsed call; markers never show as chat text
  await expect(page.getByTestId('raw-call')).toHaveText('[get_weather(city="Paris")]');
  await expect(page.getByTestId('parsed-call')).toContainText('"city": "Paris"');
  await expect(page.getByRole('log')).not.toContainText('<|tool_call_start|>');
  // (3) the user's function ran with {city: "Paris"}, result, duration and console output
  const run = page.getByTestId('tool-execution');
  await expect(run).toHaveAttribute('data-status', 'done');
  await expect(run.getByTestId('execution-args')).toContainText('"city": "Paris"');
  await expect(run.getByTestId('execution-result')).toContainText('"temperature": 22');
  await expect(run.getByTestId('execution-logs')).toContainText('[log] looking up Paris');
  // (4) the answer, and the result in the template's tool-response format in the inspector
  await expect(page.getByText('④ Answer')).toBeVisible();
  await openPanel(page, 'Inspector');
  await expect
    .poll(() => page.getByTestId('prompt-text').textContent())
    .toContain(
      '<|im_start|>tool\n<|tool_response_start|>{"city": "Paris", "temperature": 22}<|tool_response_end|><|im_end|>',
    );
});

test('a tool that throws gives a tool error and the model still answers', async ({ page }) => {
  await loadModel(page, SCRIPTED);
  await defineTool(
    page,
    'get_weather',
    `async function get_weather({ city }) {\n  throw new Error('weather service down');\n}`,
  );
  await send(page, 'Weather in Paris?');
  const run = page.getByTestId('tool-execution');
  await expect(run).toHaveAttribute('data-status', 'error');
  await expect(run.getByTestId('execution-error')).toContainText('weather service down');
  await expect(lastAssistant(page)).toHaveText(ANSWER);
  await openPanel(page, 'Inspector');
  await expect
    .poll(() => page.getByTestId('prompt-text').textContent())
    .toContain('<|tool_response_start|>Error: weather service down');
});

test('a tool that never returns is stopped by the timeout and the app stays responsive', async ({
  page,
}) => {
  await loadModel(page, SCRIPTED);
  await defineTool(
    page,
    'get_weather',
    `async function get_weather({ city }) {\n  while (true) {}\n}`,
  );
  await page.getByText('Tool settings').click();
  await page.getByLabel('Tool timeout (seconds)').fill('1');
  await send(page, 'Weather in Paris?');
  await expect(page.getByTestId('tool-execution')).toHaveAttribute('data-status', 'running');
  // The page answers while the tool spins.
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('still responsive');
  await expect(box).toHaveValue('still responsive');
  const run = page.getByTestId('tool-execution');
  await expect(run).toHaveAttribute('data-status', 'error');
  await expect(run.getByTestId('execution-error')).toContainText('did not finish within 1000 ms');
  await expect(lastAssistant(page)).toHaveText(ANSWER);
});

test('bad definitions and code are pointed out at their line', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Add tool' }).click();
  await replaceCode(
    page,
    'Tool definition',
    '{\n  "name": "bad-name",\n  "description": "x",\n  "parameters": {"type": "object"}\n}',
  );
  await expect(page.getByRole('list', { name: 'Definition problems' })).toContainText(
    'Line 2: "bad-name" is not a valid function name',
  );
  await replaceCode(page, 'Tool implementation', 'async function f() {\n  return {;\n}');
  await expect(page.getByRole('list', { name: 'Implementation problems' })).toContainText(
    'Line 2: Syntax error',
  );
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('list', { name: 'Tools' })).toContainText('problems');
});

test('the loop also works with the LFM2.5 template, which formats tools differently', async ({
  page,
}) => {
  await loadModel(page, 'test-org/LFM2.5-tiny-scripted-ONNX');
  await defineTool(
    page,
    'get_weather',
    `async function get_weather({ city }) {\n  return { city, temperature: 22 };\n}`,
  );
  await send(page, 'What is the weather in Paris?');
  await expect(lastAssistant(page)).toHaveText(ANSWER);
  await expect(page.getByTestId('tool-execution')).toHaveAttribute('data-status', 'done');
  const defs = page.getByTestId('stage-definitions');
  await defs.locator('summary').click();
  await expect(defs).toContainText('List of tools: [{"name": "get_weather"');
  await openPanel(page, 'Inspector');
  await expect
    .poll(() => page.getByTestId('prompt-text').textContent())
    .toContain('<|im_start|>tool\n{"city": "Paris", "temperature": 22}<|im_end|>');
});
