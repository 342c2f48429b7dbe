/**
 * A windowed operator's plot (the Dataflow model's picture, d3 computes): event time across,
 * processing time (the simulation's clock) down. Records are dots where they were processed,
 * dropped ones are crosses; time windows are bands with a dashed close line at `windowEnd + grace`;
 * the task's stream time is a staircase, so a learner sees a window close only when a newer record
 * pushes stream time past its close line.
 */
import { scaleLinear } from 'd3';
import { timeWindowsFor, type WindowSpec } from '../../engine/index';

export interface PlotPoint {
  eventMs: number;
  atMs: number;
  dropped: boolean;
}

export interface WindowPlot {
  width: number;
  height: number;
  bands: { x: number; w: number; label: string; closeX: number }[];
  dots: { x: number; y: number; dropped: boolean; eventMs: number; atMs: number }[];
  staircase: string;
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** Session and sliding windows depend on the records themselves: no fixed bands to draw. */
  bandsDrawn: boolean;
}

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`);

export function windowPlot(
  spec: WindowSpec,
  points: readonly PlotPoint[],
  streamTime: readonly { atMs: number; streamTimeMs: number }[],
  width = 560,
  height = 260,
): WindowPlot {
  const margin = { left: 56, right: 12, top: 24, bottom: 12 };
  const events = points.map((p) => p.eventMs);
  const minE = Math.min(...events, Infinity);
  const maxE = Math.max(...events, -Infinity);
  const grace = spec.graceMs;
  const windows =
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
      : [];
  const lo = Math.min(minE, ...windows.map((w) => w.startMs));
  const hi = Math.max(maxE, ...windows.map((w) => w.endMs + grace));
  const x = scaleLinear()
    .domain(Number.isFinite(lo) ? [lo, Math.max(hi, lo + 1)] : [0, 1])
    .range([margin.left, width - margin.right]);
  const times = points.map((p) => p.atMs);
  const y = scaleLinear()
    .domain(times.length ? [Math.min(...times), Math.max(...times, Math.min(...times) + 1)] : [0, 1])
    .range([margin.top, height - margin.bottom]);
  const bands = windows
    .sort((a, b) => a.startMs - b.startMs)
    .map((w) => ({
      x: x(w.startMs),
      w: Math.max(1, x(w.endMs) - x(w.startMs)),
      label: `[${fmt(w.startMs)}, ${fmt(w.endMs)})`,
      closeX: x(w.endMs + grace),
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
