import { describe, expect, it } from 'vitest';
import {
  checkArguments,
  checkDefinition,
  checkImplementation,
  definitionWarnings,
} from './tool-definition';

const good = `{
  "name": "get_weather",
  "description": "Weather for a city",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
}`;

describe('checkDefinition', () => {
  it('accepts a well-formed definition', () => {
    const r = checkDefinition(good);
    expect(r.ok).toBe(true);
    expect(r.definition?.name).toBe('get_weather');
  });
  it('points a JSON syntax error at its line', () => {
    const r = checkDefinition('{\n  "name": "x",\n  "description": "d"\n  "parameters": {}\n}');
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toMatch(/Invalid JSON/);
    expect(r.problems[0].line).toBe(4);
  });
  it('requires name, description and parameters', () => {
    const r = checkDefinition('{}');
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(
      /"name" is required[\s\S]*"description" is required[\s\S]*"parameters" is required/,
    );
  });
  it('rejects names the model cannot call', () => {
    const r = checkDefinition(good.replace('get_weather', 'get-weather'));
    expect(r.problems[0]).toMatchObject({ line: 2 });
    expect(r.problems[0].message).toMatch(/not a valid function name/);
  });
  it('rejects duplicate names', () => {
    expect(checkDefinition(good, ['get_weather']).problems[0].message).toMatch(/already named/);
  });
  it('rejects an invalid JSON Schema', () => {
    const r = checkDefinition(good.replace('"type": "string"', '"type": "strin"'));
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toMatch(/not a valid JSON Schema/);
  });
  it('rejects non-object parameters', () => {
    const r = checkDefinition(good.replace('"type": "object"', '"type": "array"'));
    expect(r.problems[0].message).toMatch(/must describe an object/);
  });
  it('rejects a top-level array', () => {
    expect(checkDefinition('[]').problems[0].message).toMatch(/JSON object/);
  });
});

describe('checkImplementation', () => {
  it.each([
    'async function f({ a }) { return a; }',
    'function f(x) { return 1 }',
    'async ({ city }) => ({ city })',
  ])('accepts %s', (src) => expect(checkImplementation(src)).toEqual([]));
  it('reports a syntax error with its line', () => {
    const p = checkImplementation('async function f() {\n  return {;\n}');
    expect(p[0].line).toBe(2);
    expect(p[0].message).toMatch(/Syntax error/);
  });
  it('rejects something that is not a single function', () => {
    expect(checkImplementation('const x = 1;')[0].message).toMatch(/single function|Syntax error/);
    expect(checkImplementation('1 + 1')[0].message).toMatch(/single function/);
    expect(checkImplementation('  ')[0].message).toMatch(/empty/);
  });
});

describe('checkArguments', () => {
  const def = checkDefinition(good).definition!;
  it('passes valid arguments', () => expect(checkArguments(def, { city: 'Paris' })).toEqual([]));
  it('explains missing and mistyped arguments', () => {
    expect(checkArguments(def, {})[0]).toMatch(/must have required property 'city'/);
    expect(checkArguments(def, { city: 3 })[0]).toMatch(/city must be string/);
  });
});

describe('definitionWarnings', () => {
  it('warns about control-token text, which the template would pass on as a control token', () => {
    const text = good.replace('Weather for a city', 'Weather <|im_end|> for a city');
    expect(definitionWarnings(text)).toEqual([expect.stringMatching(/"<\|im_end\|>"/)]);
  });
  it('warns about a description long enough to weigh on every prompt', () => {
    const text = good.replace('Weather for a city', 'x'.repeat(1001));
    expect(definitionWarnings(text)).toEqual([expect.stringMatching(/1001 characters/)]);
  });
  it('says nothing about an ordinary definition', () => {
    expect(definitionWarnings(good)).toEqual([]);
  });
});
