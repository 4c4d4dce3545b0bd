import { setOwn, type JsonValue } from './json-value';
import type { ParsedCall } from './parse-calls';

export interface ParameterSchema {
  properties?: Record<string, unknown>;
  required?: readonly string[];
}

export type BindResult =
  { ok: true; args: Record<string, JsonValue> } | { ok: false; error: string };

/**
 * Turns a call into the keyword object the tool receives, the way Python binds arguments: the
 * schema's `properties` order stands in for the parameter list. Missing or unknown names are left
 * for schema validation, which reports them with the schema's own wording.
 */
export function bindArguments(
  call: ParsedCall,
  parameters: ParameterSchema | undefined,
): BindResult {
  const names = Object.keys(parameters?.properties ?? {});
  if (call.positional.length > names.length) {
    const takes =
      names.length === 0
        ? 'takes no positional arguments'
        : `takes ${names.length} positional argument${names.length === 1 ? '' : 's'} (${names.join(', ')})`;
    const given = call.positional.length;
    return {
      ok: false,
      error: `${call.name} ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given`,
    };
  }
  const args: Record<string, JsonValue> = {};
  call.positional.forEach((value, i) => setOwn(args, names[i], value));
  for (const [key, value] of Object.entries(call.args)) {
    if (Object.hasOwn(args, key)) {
      return { ok: false, error: `${call.name} got multiple values for argument '${key}'` };
    }
    setOwn(args, key, value);
  }
  return { ok: true, args };
}
