/**
 * Flink's event time, as pure arithmetic (facts from Flink's docs and source:
 * BoundedOutOfOrdernessWatermarks, StatusWatermarkValve, WindowOperator, EventTimeTrigger).
 *
 * - A source split (here: one Kafka partition) generates watermarks on its own:
 *   `forBoundedOutOfOrderness(d)` emits `maxTimestampSeen − d − 1` (Long.MIN_VALUE until a record).
 * - A source subtask emits the minimum over its splits, and an operator with several inputs takes
 *   the minimum over its input channels: the watermark is held back by the slowest input. An input
 *   that has seen nothing holds it at "no watermark" (idleness detection is not modelled).
 * - Watermarks never go back: an operator forwards a new one only when the minimum rises.
 * - An event-time Window [start, end) fires when the watermark reaches `end − 1`
 *   (`TimeWindow.maxTimestamp()`); an element is late for it once `end − 1 + allowedLateness ≤ watermark`,
 *   and is then dropped (Kafka Streams instead compares `windowEnd` with its max-seen stream time).
 */

/** Long.MIN_VALUE, Flink's "no watermark yet" ("No Watermark" in its web UI). */
export const NO_WATERMARK = Number.MIN_SAFE_INTEGER;

/** BoundedOutOfOrdernessWatermarks.onPeriodicEmit: `maxTimestamp − outOfOrderness − 1`. */
export function boundedOutOfOrdernessWatermark(maxTimestampMs: number, outOfOrdernessMs: number): number {
  if (maxTimestampMs === NO_WATERMARK) return NO_WATERMARK;
  return maxTimestampMs - outOfOrdernessMs - 1;
}

/** The minimum over inputs (splits of a source, or channels of an operator); none → no watermark. */
export function combinedWatermark(inputs: readonly number[]): number {
  if (inputs.length === 0) return NO_WATERMARK;
  let min = Infinity;
  for (const w of inputs) if (w < min) min = w;
  return min;
}

/** Per-split (per-partition) max timestamps → the source subtask's watermark. */
export function sourceWatermark(maxTimestampsMs: readonly number[], outOfOrdernessMs: number): number {
  return combinedWatermark(maxTimestampsMs.map((t) => boundedOutOfOrdernessWatermark(t, outOfOrdernessMs)));
}

/** Window.maxTimestamp(): the last millisecond inside [start, end). */
export const windowMaxTimestamp = (endMs: number): number => endMs - 1;

/** EventTimeTrigger: a Window fires once the watermark has reached its max timestamp. */
export function windowFires(endMs: number, watermarkMs: number): boolean {
  return watermarkMs >= windowMaxTimestamp(endMs);
}

/** WindowOperator.isWindowLate: the Window's cleanup time has passed; a new element is dropped. */
export function windowLate(endMs: number, allowedLatenessMs: number, watermarkMs: number): boolean {
  return windowMaxTimestamp(endMs) + allowedLatenessMs <= watermarkMs;
}

/** Show a watermark the way Flink's web UI does (`No Watermark` for Long.MIN_VALUE). */
export function formatWatermark(ms: number): string {
  return ms === NO_WATERMARK ? 'No Watermark' : String(ms);
}
