/**
 * A windowed operator's plot (the Dataflow model's picture, d3 computes): event time across,
 * processing time (the simulation's clock) down. Records are dots where they were processed,
 * dropped ones are crosses; time windows are bands with a dashed close line at `windowEnd + grace`;
 * the task's stream time is a staircase, so a learner sees a window close only when a newer record
 * pushes stream time past its close line. Sliding and session windows depend on the records
 * themselves: their bands are the windows the engine's store holds now (per key, both ends
 * inclusive), so two sessions merging into one are seen as two bands becoming one.
 */
import { scaleLinear } from 'd3';
import { timeWindowsFor, type WindowSpec } from '../../engine/index';

export interface PlotPoint {
  eventMs: number;
  atMs: number;
  dropped: boolean;
}

/** A window the store holds (sliding and session windows), from the snapshot. */
export interface StoredWindow {
  key: string;
  startMs: number;
  endMs: number;
}

export interface WindowPlot {
  width: number;
  height: number;
  bands: { x: number; w: number; label: string; closeX: number; labelY: number; inclusive: boolean }[];
  dots: { x: number; y: number; dropped: boolean; eventMs: number; atMs: number }[];
  staircase: string;
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** Session and sliding windows depend on the records themselves: no fixed bands to draw. */
  bandsDrawn: boolean;
}

/** Seconds, or a time of day (hh:mm) past the first hour, as the lessons' event times read. */
export function fmt(ms: number): string {
  if (ms >= 3_600_000) {
    const min = Math.floor(ms / 60_000);
    return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  }
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where a band's window closes: end + grace (sessions: end + gap + grace, KStreamSessionWindowAggregate). */
function closeMsOf(spec: WindowSpec, endMs: number): number {
  return endMs + spec.graceMs + (spec.type === 'session' ? spec.gapMs : 0);
}

export function windowPlot(
  spec: WindowSpec,
  points: readonly PlotPoint[],
  streamTime: readonly { atMs: number; streamTimeMs: number }[],
  width = 560,
  height = 260,
  stored: readonly StoredWindow[] = [],
): WindowPlot {
  const recordWindows = spec.type === 'sliding' || spec.type === 'session';
  const margin = { left: 56, right: 12, top: recordWindows ? 44 : 24, bottom: 12 };
  const events = points.map((p) => p.eventMs);
  const minE = Math.min(...events, Infinity);
  const maxE = Math.max(...events, -Infinity);
  const windows: { startMs: number; endMs: number; key?: string }[] =
    spec.type === 'tumbling' || spec.type === 'hopping'
      ? [
          ...new Map(
            points.flatMap((p) =>
              timeWindowsFor(
                p.eventMs,
                spec.sizeMs,
                spec.type === 'hopping' ? spec.advanceMs : spec.sizeMs,
              ).map((w) => [w.startMs, w] as const),
            ),
          ).values(),
        ]
      : [...new Map(stored.map((w) => [`${w.key}|${w.startMs}|${w.endMs}`, w] as const)).values()];
  const lo = Math.min(minE, ...windows.map((w) => w.startMs));
  const hi = Math.max(maxE, ...windows.map((w) => closeMsOf(spec, w.endMs)));
  const x = scaleLinear()
    .domain(Number.isFinite(lo) ? [lo, Math.max(hi, lo + 1)] : [0, 1])
    .range([margin.left, width - margin.right]);
  const times = points.map((p) => p.atMs);
  const y = scaleLinear()
    .domain(times.length ? [Math.min(...times), Math.max(...times, Math.min(...times) + 1)] : [0, 1])
    .range([margin.top, height - margin.bottom]);
  const bands = windows
    .sort((a, b) => a.startMs - b.startMs || (a.key ?? '').localeCompare(b.key ?? ''))
    .map((w, i) => ({
      x: x(w.startMs),
      w: Math.max(2, x(w.endMs) - x(w.startMs)),
      label: recordWindows
        ? `${w.key}: [${fmt(w.startMs)}, ${fmt(w.endMs)}]`
        : `[${fmt(w.startMs)}, ${fmt(w.endMs)})`,
      closeX: x(closeMsOf(spec, w.endMs)),
      labelY: recordWindows ? 12 + (i % 3) * 10 : 14,
      inclusive: recordWindows,
    }));
  let staircase = '';
  for (const s of streamTime) {
    if (s.streamTimeMs < 0) continue;
    const px = x(s.streamTimeMs);
    const py = y(s.atMs);
    staircase += staircase === '' ? `M${px},${py}` : ` V${py} H${px}`;
  }
  return {
    width,
    height,
    bands,
    dots: points.map((p) => ({
      x: x(p.eventMs),
      y: y(p.atMs),
      dropped: p.dropped,
      eventMs: p.eventMs,
      atMs: p.atMs,
    })),
    staircase,
    xTicks: x.ticks(5).map((t) => ({ x: x(t), label: fmt(t) })),
    yTicks: y.ticks(4).map((t) => ({ y: y(t), label: fmt(t) })),
    bandsDrawn: windows.length > 0,
  };
}
