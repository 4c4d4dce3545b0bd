import { z } from 'zod';
import type { Tool } from '../../lib/tools/tool-definition';

const FORMAT = 'lfm2-playground.tools';

const toolSchema = z.object({
  enabled: z.boolean().default(true),
  askBeforeRunning: z.boolean().default(false),
  /** Kept as text so the key order the user wrote is what the model sees. */
  definition: z.union([z.string(), z.record(z.string(), z.unknown())]),
  implementation: z.string(),
});

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  tools: z.array(toolSchema),
});

export function exportToolSet(tools: readonly Tool[]): string {
  return JSON.stringify(
    {
      format: FORMAT,
      version: 1,
      tools: tools.map(({ enabled, askBeforeRunning, definition, implementation }) => ({
        enabled,
        askBeforeRunning,
        definition,
        implementation,
      })),
    },
    null,
    2,
  );
}

export function importToolSet(
  json: string,
): { ok: true; tools: Tool[] } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `Not an LFM2 Playground tool set: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    };
  }
  return {
    ok: true,
    tools: parsed.data.tools.map((t) => ({
      id: crypto.randomUUID(),
      enabled: t.enabled,
      askBeforeRunning: t.askBeforeRunning,
      definition:
        typeof t.definition === 'string' ? t.definition : JSON.stringify(t.definition, null, 2),
      implementation: t.implementation,
    })),
  };
}
