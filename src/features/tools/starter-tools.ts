import type { Tool } from '../../lib/tools/tool-definition';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Tools that work out of the box. Their code runs in the sandbox like any user tool. */
export function starterTools(): Tool[] {
  const t = (definition: object, implementation: string): Tool => ({
    id: crypto.randomUUID(),
    enabled: true,
    definition: json(definition),
    implementation: implementation.trim() + '\n',
    askBeforeRunning: false,
  });
  return [
    t(
      {
        name: 'get_weather',
        description: 'Get the current weather for a city.',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string', description: 'City name, e.g. "Paris"' } },
          required: ['city'],
        },
      },
      `
async function get_weather({ city }) {
  // Built-in sample data: no network is needed (or allowed) from the sandbox.
  const data = {
    paris: { temperature: 22, condition: 'sunny' },
    london: { temperature: 16, condition: 'cloudy' },
    tokyo: { temperature: 27, condition: 'humid' },
    'new york': { temperature: 19, condition: 'windy' },
  };
  const found = data[String(city).toLowerCase()];
  if (!found) throw new Error('No weather data for ' + city);
  return { city, ...found, unit: 'celsius' };
}`,
    ),
    t(
      {
        name: 'get_candidate_status',
        description: 'Retrieves the current status of a candidate in the recruitment process',
        parameters: {
          type: 'object',
          properties: {
            candidate_id: { type: 'string', description: 'Unique identifier for the candidate' },
          },
          required: ['candidate_id'],
        },
      },
      `
async function get_candidate_status({ candidate_id }) {
  const statuses = { '12345': 'Interview Scheduled', '67890': 'Offer Sent' };
  return { candidate_id, status: statuses[candidate_id] ?? 'Application Received' };
}`,
    ),
    t(
      {
        name: 'calculate',
        description: 'Evaluate an arithmetic expression with + - * / ^ and parentheses.',
        parameters: {
          type: 'object',
          properties: { expression: { type: 'string', description: 'e.g. "(2 + 3) * 4"' } },
          required: ['expression'],
        },
      },
      `
async function calculate({ expression }) {
  // A small recursive-descent parser: arithmetic only, never eval.
  const tokens = String(expression).match(/\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|[-+*/^()]|\\S/gi) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (t) => {
    if (tokens[i] !== t) throw new Error('Expected ' + t + ' at token ' + (i + 1));
    i++;
  };
  const primary = () => {
    const tok = tokens[i++];
    if (tok === '(') { const v = sum(); take(')'); return v; }
    if (tok === '-') return -primary();
    if (tok === '+') return primary();
    const n = Number(tok);
    if (tok === undefined || Number.isNaN(n)) throw new Error('Unexpected ' + (tok ?? 'end of expression'));
    return n;
  };
  const power = () => { const b = primary(); return peek() === '^' ? (i++, b ** power()) : b; };
  const product = () => {
    let v = power();
    while (peek() === '*' || peek() === '/') v = tokens[i++] === '*' ? v * power() : v / power();
    return v;
  };
  const sum = () => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  const result = sum();
  if (i < tokens.length) throw new Error('Unexpected ' + tokens[i]);
  return { expression, result };
}`,
    ),
    t(
      {
        name: 'get_current_datetime',
        description: 'Get the current date and time, optionally in a given IANA time zone.',
        parameters: {
          type: 'object',
          properties: {
            timezone: { type: 'string', description: 'e.g. "Europe/Paris"; default: local' },
          },
        },
      },
      `
async function get_current_datetime({ timezone } = {}) {
  const now = new Date();
  const formatted = now.toLocaleString('en-GB', { timeZone: timezone || undefined, dateStyle: 'full', timeStyle: 'long' });
  return { iso: now.toISOString(), formatted, timezone: timezone || Intl.DateTimeFormat().resolvedOptions().timeZone };
}`,
    ),
    t(
      {
        name: 'convert_units',
        description: 'Convert a value between units of length, mass or temperature.',
        parameters: {
          type: 'object',
          properties: {
            value: { type: 'number' },
            from_unit: {
              type: 'string',
              enum: ['m', 'km', 'mi', 'ft', 'in', 'cm', 'kg', 'g', 'lb', 'oz', 'c', 'f', 'k'],
            },
            to_unit: {
              type: 'string',
              enum: ['m', 'km', 'mi', 'ft', 'in', 'cm', 'kg', 'g', 'lb', 'oz', 'c', 'f', 'k'],
            },
          },
          required: ['value', 'from_unit', 'to_unit'],
        },
      },
      `
async function convert_units({ value, from_unit, to_unit }) {
  const linear = {
    m: ['length', 1], km: ['length', 1000], cm: ['length', 0.01], mi: ['length', 1609.344],
    ft: ['length', 0.3048], in: ['length', 0.0254],
    kg: ['mass', 1], g: ['mass', 0.001], lb: ['mass', 0.45359237], oz: ['mass', 0.028349523125],
  };
  const toK = { c: (v) => v + 273.15, f: (v) => (v - 32) * 5 / 9 + 273.15, k: (v) => v };
  const fromK = { c: (v) => v - 273.15, f: (v) => (v - 273.15) * 9 / 5 + 32, k: (v) => v };
  let result;
  if (toK[from_unit] && fromK[to_unit]) result = fromK[to_unit](toK[from_unit](value));
  else if (linear[from_unit] && linear[to_unit] && linear[from_unit][0] === linear[to_unit][0])
    result = (value * linear[from_unit][1]) / linear[to_unit][1];
  else throw new Error('Cannot convert ' + from_unit + ' to ' + to_unit);
  return { value, from_unit, to_unit, result: Math.round(result * 1e6) / 1e6 };
}`,
    ),
  ];
}
