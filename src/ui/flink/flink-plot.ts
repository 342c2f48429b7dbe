/**
 * The watermark plot of the Flink view, as plain geometry: the clock across (when a record was read
 * or a watermark rose), event time up. Each source subtask's records are dots and its watermark a
 * staircase in its colour; the window subtasks' watermark — the minimum over the sources — is the
 * thick line, so the source that holds it back is the staircase it runs along.
 */
import { NO_WATERMARK } from '../../engine/index';
import type { FlinkHistory } from './flink-history';

export interface PlotSeries {
  task: string;
  /** Sources are coloured one by one; the window subtasks share the "minimum" line. */
  role: 'source' | 'window';
  index: number;
  dots: { x: number; y: number; eventMs: number }[];
  /** SVG path of the watermark staircase (empty: no watermark yet). */
  path: string;
}

export interface WatermarkPlot {
  width: number;
  height: number;
  series: PlotSeries[];
  yTicks: { y: number; label: string }[];
  xLabel: string;
  empty: boolean;
}

const PAD = { left: 44, right: 8, top: 8, bottom: 18 };

export function watermarkPlot(h: FlinkHistory, nowMs: number, width = 400, height = 150): WatermarkPlot {
  const wms = h.watermarks.filter((w) => w.watermarkMs !== NO_WATERMARK);
  const times = [...h.records.map((r) => r.atMs), ...wms.map((w) => w.atMs)];
  const values = [...h.records.map((r) => r.eventMs), ...wms.map((w) => w.watermarkMs)];
  const empty = times.length === 0;
  const x0 = empty ? 0 : Math.min(...times);
  const x1 = Math.max(x0 + 1, nowMs, ...times);
  const y0 = empty ? 0 : Math.min(0, ...values);
  const y1 = Math.max(y0 + 1000, ...values);
  const sx = (t: number) => PAD.left + ((t - x0) / (x1 - x0)) * (width - PAD.left - PAD.right);
  const sy = (v: number) => height - PAD.bottom - ((v - y0) / (y1 - y0)) * (height - PAD.top - PAD.bottom);
  const tasks = [...new Set([...h.records.map((r) => r.task), ...wms.map((w) => w.task)])].sort();
  const sources = tasks.filter((t) => t.startsWith('source-'));
  const series: PlotSeries[] = tasks.map((task) => {
    // A NO_WATERMARK entry (the task was cancelled) ends the staircase until the next rise.
    const steps = h.watermarks.filter((w) => w.task === task);
    let path = '';
    steps.forEach((w, i) => {
      if (w.watermarkMs === NO_WATERMARK) return;
      const next = steps[i + 1]?.atMs ?? x1;
      const start = i === 0 || steps[i - 1]!.watermarkMs === NO_WATERMARK ? 'M' : 'L';
      path += `${start}${sx(w.atMs).toFixed(1)},${sy(w.watermarkMs).toFixed(1)} H${sx(next).toFixed(1)} `;
    });
    return {
      task,
      role: task.startsWith('source-') ? 'source' : 'window',
      index: Math.max(0, sources.indexOf(task)),
      dots: h.records
        .filter((r) => r.task === task)
        .map((r) => ({ x: sx(r.atMs), y: sy(r.eventMs), eventMs: r.eventMs })),
      path: path.trim(),
    };
  });
  const step = niceStep((y1 - y0) / 4);
  const yTicks = [];
  for (let v = Math.ceil(y0 / step) * step; v <= y1; v += step)
    yTicks.push({ y: sy(v), label: `${v / 1000} s` });
  return { width, height, series, yTicks, xLabel: 'clock →', empty };
}

function niceStep(raw: number): number {
  for (const s of [1000, 2000, 5000, 10000, 20000, 50000, 100000]) if (s >= raw) return s;
  return 10 ** Math.ceil(Math.log10(raw));
}
