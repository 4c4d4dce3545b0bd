/** Prompt lengths, and how many tokens each generates: decode is timed after the short prompt. */
export const PROMPTS = [
  { promptTokens: 128, newTokens: 128 },
  { promptTokens: 1024, newTokens: 1 },
];
