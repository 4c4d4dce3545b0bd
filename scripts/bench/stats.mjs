/**
 * The median and range of repeated measurements: what the report prints.
 * @typedef {{ median: number, min: number, max: number }} Spread
 */
/** @typedef {Spread & { runs: number }} Summary */

/**
 * Median and spread of repeated measurements.
 * @param {number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}
