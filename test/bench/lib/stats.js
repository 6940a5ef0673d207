// @ts-check
'use strict';

/** Small statistics helpers for the benchmark: medians across rounds, percentiles of latency samples. */

/** @param {number[]} values */
function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Nearest-rank percentile of an already sorted array (the definition autocannon's HDR histogram uses too).
 * @param {number[]} sorted @param {number} p 0..100
 */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** @param {number[]} latencies milliseconds, in any order */
function latencySummary(latencies) {
  const sorted = Array.from(Float64Array.from(latencies).sort());
  const mean = sorted.length ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : NaN;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/** @param {number} value @param {number} [digits] */
function round(value, digits = 2) {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

module.exports = { median, percentile, latencySummary, round };
