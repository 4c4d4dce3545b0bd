import { parse as parseJs } from 'acorn';
import Ajv from 'ajv';

/** A tool as the user wrote it; the definition text is kept verbatim so key order survives. */
export interface Tool {
  id: string;
  enabled: boolean;
  /** JSON text `{"name", "description", "parameters"}`, parameters as JSON Schema. */
  definition: string;
  /** Source of an async JavaScript function that receives the arguments object. */
  implementation: string;
  askBeforeRunning: boolean;
  /**
   * When the tool last got its current name (ms). Of two tools with one name, the one that had it
   * first keeps it; the other is flagged. Absent for tools that always had their name.
   */
  renamedAt?: number;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: { type?: string; properties?: Record<string, unknown>; required?: string[] };
  [key: string]: unknown;
}

export interface Problem {
  /** 1-based line in the edited text, when known. */
  line?: number;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ajv = new Ajv({ allErrors: true, strict: false });

/** Line of a character offset, for pointing errors at the editor. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

function lineOfKey(text: string, key: string): number | undefined {
  const i = text.indexOf(`"${key}"`);
  return i < 0 ? undefined : lineOf(text, i);
}

function jsonSyntaxProblem(text: string, e: unknown): Problem {
  const message = (e as Error).message;
  // V8: "... in JSON at position 42 (line 3 column 5)"; older: "at position 42".
  const lineCol = message.match(/line (\d+) column (\d+)/);
  if (lineCol) return { line: Number(lineCol[1]), message: `Invalid JSON: ${message}` };
  const pos = message.match(/position (\d+)/);
  return {
    line: pos ? lineOf(text, Number(pos[1])) : undefined,
    message: `Invalid JSON: ${message}`,
  };
}

export type DefinitionCheck =
  | { ok: true; definition: ToolDefinition; problems: [] }
  | { ok: false; definition?: ToolDefinition; problems: Problem[] };

/**
 * Checks a definition the way the model and the loop need it: well-formed JSON, the three
 * required fields, an identifier-safe name unique among `otherNames`, and a valid JSON Schema.
 */
export function checkDefinition(text: string, otherNames: readonly string[] = []): DefinitionCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [jsonSyntaxProblem(text, e)] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problems: [{ line: 1, message: 'A tool definition is a JSON object.' }] };
  const def = value as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof def.name !== 'string' || !def.name)
    problems.push({
      line: lineOfKey(text, 'name') ?? 1,
      message: '"name" is required and must be a string.',
    });
  else if (!IDENTIFIER.test(def.name))
    problems.push({
      line: lineOfKey(text, 'name'),
      message: `"${def.name}" is not a valid function name: use letters, digits and _ (not starting with a digit), as the model writes Python-style calls.`,
    });
  else if (otherNames.includes(def.name))
    problems.push({
      line: lineOfKey(text, 'name'),
      message: `Another tool is already named "${def.name}".`,
    });
  if (typeof def.description !== 'string' || !def.description.trim())
    problems.push({
      line: lineOfKey(text, 'description') ?? 1,
      message: '"description" is required: the model decides when to call a tool from it.',
    });
  const params = def.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    problems.push({
      line: lineOfKey(text, 'parameters') ?? 1,
      message: '"parameters" is required and must be a JSON Schema object.',
    });
  } else {
    if (!ajv.validateSchema(params)) {
      const err = ajv.errors?.[0];
      problems.push({
        line: lineOfKey(text, 'parameters'),
        message:
          `"parameters" is not a valid JSON Schema: ${err?.instancePath || '/'} ${err?.message ?? ''}`.trim(),
      });
    } else {
      try {
        ajv.compile(params);
      } catch (e) {
        problems.push({
          line: lineOfKey(text, 'parameters'),
          message: `"parameters" cannot be used: ${(e as Error).message}`,
        });
      }
    }
    const p = params as { type?: unknown; properties?: unknown };
    if (p.type !== undefined && p.type !== 'object')
      problems.push({
        line: lineOfKey(text, 'type'),
        message: '"parameters" must describe an object ("type": "object").',
      });
  }
  if (problems.length) return { ok: false, definition: def as ToolDefinition, problems };
  return { ok: true, definition: def as ToolDefinition, problems: [] };
}

/** The implementation must at least parse as one function; it is never run here. */
export function checkImplementation(source: string): Problem[] {
  if (!source.trim()) return [{ line: 1, message: 'The implementation is empty.' }];
  try {
    // Wrapped in parentheses so `async function f() {}` and arrows both parse as one expression.
    const program = parseJs(`(${source}\n)`, { ecmaVersion: 'latest', sourceType: 'script' });
    const stmt = program.body[0];
    const expr = stmt?.type === 'ExpressionStatement' ? stmt.expression : null;
    if (
      !expr ||
      !['FunctionExpression', 'ArrowFunctionExpression'].includes(expr.type) ||
      program.body.length !== 1
    )
      return [
        {
          line: 1,
          message:
            'The implementation must be a single function, e.g. async function f(args) { … }.',
        },
      ];
    return [];
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number } };
    return [
      { line: err.loc?.line, message: `Syntax error: ${err.message.replace(/ \(\d+:\d+\)$/, '')}` },
    ];
  }
}

/** Validates model-supplied arguments against the tool's schema; returns readable problems. */
export function checkArguments(def: ToolDefinition, args: Record<string, unknown>): string[] {
  const validate = ajv.compile(def.parameters);
  if (validate(args)) return [];
  return (validate.errors ?? []).map((e) =>
    `${e.instancePath ? `${e.instancePath.slice(1)} ` : ''}${e.message ?? 'is invalid'}`.trim(),
  );
}

/** Longer than this, a description costs prompt tokens in every turn for little gain. */
export const LONG_DESCRIPTION_CHARS = 1000;
const CONTROL_TEXT = /<\|[A-Za-z0-9_]+\|>/;

/**
 * Things that do not stop a tool from working but that its author should know. The template
 * inserts definitions as they are, so control-token text in them reaches the model as control
 * tokens (unlike text from users and tools, which the engine keeps plain).
 */
export function definitionWarnings(text: string): string[] {
  const warnings: string[] = [];
  const control = text.match(CONTROL_TEXT);
  if (control)
    warnings.push(
      `The definition contains "${control[0]}": the chat template inserts tool definitions as they are, so the model would read it as a control token. Remove it.`,
    );
  const def = checkDefinition(text).definition;
  if (typeof def?.description === 'string' && def.description.length > LONG_DESCRIPTION_CHARS)
    warnings.push(
      `The description is ${def.description.length} characters; it is sent with every message while tools are offered. Keep it under ${LONG_DESCRIPTION_CHARS}.`,
    );
  return warnings;
}
