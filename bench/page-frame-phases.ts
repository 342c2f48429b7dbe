/**
 * Where a changed frame's main-thread time goes (BENCH_PROFILE=1 with page-spacetime): Chromium's
 * trace around inputs marked in the page (`performance.mark('input')` just before each), and for
 * the frame each input lands in, the renderer main thread's CPU time (the events' thread time,
 * `tdur`, so a wait for a core on a shared machine does not count) in the frame as a whole and in
 * its phases: script (rAF callbacks and the microtasks they run, with any style and layout they
 * force), style and layout, pre-paint and paint, and the commit's layer updates (where a 2D
 * canvas's recorded drawing is rasterised, in software with --disable-gpu). Medians over the inputs.
 */
import type { Page } from '@playwright/test';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

const PHASES: Record<string, string[]> = {
  'script (rAF, microtasks)': ['FireAnimationFrame'],
  'style and layout': ['UpdateLayoutTree', 'Layout'],
  'pre-paint and paint': ['PrePaint', 'Paint'],
  'commit: layer updates (canvas raster)': ['LayerTreeHost::DoUpdateLayers'],
};

/** Traces `during` (which marks each input with performance.mark('input')); prints the phases. */
export async function framePhases(page: Page, during: () => Promise<void>): Promise<void> {
  const browser = page.context().browser();
  if (!browser) return;
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'cc', 'blink.user_timing'],
  });
  await during();
  const raw = JSON.parse((await browser.stopTracing()).toString()) as
    { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const mainThread = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!mainThread) return;
  const main = events.filter(
    (e) => e.ph === 'X' && e.pid === mainThread.pid && e.tid === mainThread.tid && e.dur !== undefined,
  );
  const inputs = events.filter((e) => e.name === 'input' && e.ph !== 'M' && e.pid === mainThread.pid);
  const rows: Record<string, number[]> = { 'whole frame': [] };
  for (const input of inputs) {
    const frame = main.find(
      (e) => e.name === 'ProxyMain::BeginMainFrame' && e.ts <= input.ts && e.ts + e.dur! >= input.ts,
    );
    if (!frame) continue;
    const inFrame = main.filter((e) => e.ts >= frame.ts && e.ts + e.dur! <= frame.ts + frame.dur!);
    rows['whole frame']!.push((frame.tdur ?? 0) / 1000);
    for (const [phase, names] of Object.entries(PHASES)) {
      // Outermost events only (Paint nests in Paint).
      const of = inFrame.filter((e) => names.includes(e.name));
      const outer = of.filter(
        (e) => !of.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur! >= e.ts + e.dur!),
      );
      (rows[phase] ??= []).push(outer.reduce((s, e) => s + (e.tdur ?? 0) / 1000, 0));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
  console.log(
    `  main thread CPU in the frame an input lands in (median of ${rows['whole frame']!.length}, traced):`,
  );
  for (const [phase, xs] of Object.entries(rows))
    console.log(`    ${median(xs).toFixed(2).padStart(6)} ms  ${phase}`);
}
