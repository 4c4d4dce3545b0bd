/**
 * LFM2's conv state cannot be rewound, so a cache is reusable only when the tokens it covers are
 * an exact prefix of the new prompt. Returns how many tokens the cache covers, or 0 to re-prefill.
 */
export function reusablePrefix(
  cachedIds: readonly bigint[] | null,
  promptIds: readonly bigint[],
): number {
  if (!cachedIds || cachedIds.length === 0 || cachedIds.length >= promptIds.length) return 0;
  for (let i = 0; i < cachedIds.length; i++) if (cachedIds[i] !== promptIds[i]) return 0;
  return cachedIds.length;
}
