import { describe, expect, it } from 'vitest';
import { bindArguments } from './bind-arguments';
import { parseToolCalls, type ParsedCall } from './parse-calls';

function call(src: string): ParsedCall {
  const result = parseToolCalls(src);
  if (!result.ok || result.calls.length !== 1) throw new Error(`bad fixture ${src}`);
  return result.calls[0];
}

const weather = {
  properties: { city: { type: 'string' }, unit: { type: 'string' }, days: { type: 'integer' } },
  required: ['city'],
};

describe('bindArguments', () => {
  it('maps positional arguments to parameters in properties order', () => {
    expect(bindArguments(call('get_weather("Paris", "C", 3)'), weather)).toEqual({
      ok: true,
      args: { city: 'Paris', unit: 'C', days: 3 },
    });
  });

  it('merges keywords after positional arguments', () => {
    expect(bindArguments(call('get_weather("Oslo", days=2)'), weather)).toEqual({
      ok: true,
      args: { city: 'Oslo', days: 2 },
    });
  });

  it('passes keywords through, leaving unknown or missing names to schema validation', () => {
    expect(bindArguments(call('get_weather(unit="F", country="NO")'), weather)).toEqual({
      ok: true,
      args: { unit: 'F', country: 'NO' },
    });
  });

  it('accepts keywords when the tool has no schema', () => {
    expect(bindArguments(call('ping(host="x")'), undefined)).toEqual({
      ok: true,
      args: { host: 'x' },
    });
    expect(bindArguments(call('ping()'), {})).toEqual({ ok: true, args: {} });
  });

  it('rejects more positional arguments than parameters', () => {
    expect(bindArguments(call('get_weather("Paris", "C", 3, True)'), weather)).toEqual({
      ok: false,
      error: 'get_weather takes 3 positional arguments (city, unit, days) but 4 were given',
    });
    expect(bindArguments(call('f(1, 2)'), { properties: { a: {} } })).toEqual({
      ok: false,
      error: 'f takes 1 positional argument (a) but 2 were given',
    });
  });

  it('rejects positional arguments when there are no parameters', () => {
    expect(bindArguments(call('ping("x")'), undefined)).toEqual({
      ok: false,
      error: 'ping takes no positional arguments but 1 was given',
    });
  });

  it('rejects a keyword that repeats a positional argument', () => {
    expect(bindArguments(call('get_weather("Paris", city="Oslo")'), weather)).toEqual({
      ok: false,
      error: "get_weather got multiple values for argument 'city'",
    });
  });

  it('binds a parameter called __proto__ as a real key', () => {
    // JSON.parse, because an object literal would turn `__proto__` into the prototype.
    const schema = JSON.parse('{"properties": {"__proto__": {}}}') as typeof weather;
    const bound = bindArguments(call('f({"x": 1})'), schema);
    expect(bound.ok && Object.keys(bound.args)).toEqual(['__proto__']);
    expect(bound.ok && JSON.stringify(bound.args)).toBe('{"__proto__":{"x":1}}');
  });

  it('leaves the parsed call untouched', () => {
    const parsed = call('get_weather("Paris", days=2)');
    bindArguments(parsed, weather);
    expect(parsed.args).toEqual({ days: 2 });
    expect(parsed.positional).toEqual(['Paris']);
  });
});
