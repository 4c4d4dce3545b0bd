import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { checkDefinition, checkImplementation } from '../../lib/tools/tool-definition';
import { starterTools } from './starter-tools';

describe('starter tools', () => {
  const tools = starterTools();
  const run = (name: string, args: object) => {
    const tool = tools.find((t) => checkDefinition(t.definition).definition?.name === name)!;
    // Node's vm is only a convenient evaluator for the test; the app runs tools in its sandbox.
    const fn = runInNewContext(`(${tool.implementation})`) as (a: object) => Promise<unknown>;
    return fn(args);
  };
  it('all have valid, uniquely named definitions and parsing implementations', () => {
    const names: string[] = [];
    for (const t of tools) {
      const r = checkDefinition(t.definition, names);
      expect(r.problems).toEqual([]);
      names.push(r.definition!.name);
      expect(checkImplementation(t.implementation)).toEqual([]);
    }
    expect(names).toEqual([
      'get_weather',
      'get_candidate_status',
      'calculate',
      'get_current_datetime',
      'convert_units',
    ]);
  });
  it('the card example returns the documented result', async () => {
    expect(await run('get_candidate_status', { candidate_id: '12345' })).toEqual({
      candidate_id: '12345',
      status: 'Interview Scheduled',
    });
  });
  it('the calculator evaluates arithmetic without eval and rejects code', async () => {
    expect(await run('calculate', { expression: '(2 + 3) * 4 - 2^3 / -2' })).toMatchObject({
      result: 24,
    });
    expect(
      await run('calculate', { expression: '1.5e2 + .5' }).catch((e: Error) => e.message),
    ).toMatch(/Unexpected/);
    await expect(run('calculate', { expression: 'alert(1)' })).rejects.toThrow(/Unexpected/);
  });
  it('converts units', async () => {
    expect(await run('convert_units', { value: 100, from_unit: 'c', to_unit: 'f' })).toMatchObject({
      result: 212,
    });
    expect(await run('convert_units', { value: 1, from_unit: 'mi', to_unit: 'km' })).toMatchObject({
      result: 1.609344,
    });
    await expect(run('convert_units', { value: 1, from_unit: 'kg', to_unit: 'm' })).rejects.toThrow(
      /Cannot convert/,
    );
  });
  it('weather comes from built-in data and fails clearly for unknown cities', async () => {
    expect(await run('get_weather', { city: 'Paris' })).toEqual({
      city: 'Paris',
      temperature: 22,
      condition: 'sunny',
      unit: 'celsius',
    });
    await expect(run('get_weather', { city: 'Atlantis' })).rejects.toThrow(/No weather data/);
  });
});
