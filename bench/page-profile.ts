/**
 * Where the page's time goes (BENCH_PROFILE=1 with page-code-socket): Chromium's trace with V8's
 * sampling profiler on every thread (the page and both workers), each sample's function mapped
 * through the build's source maps to the source file it came from, self time summed per thread and
 * per area (KafkaJS, the code worker's shims, the wire codec, the engine, the worker host, the UI,
 * postMessage's serialisation, GC). Sampled wall time, so it shows shares, not exact costs.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    data?: { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
  };
}

/** A source file's area, as the report names it. */
function area(source: string | null, fn: string): string {
  if (fn === 'postMessage') return 'postMessage (structured clone out)';
  if (fn.startsWith('(')) return fn;
  if (!source) return `native: ${fn || '(anonymous)'}`;
  const s = source.replace(/^.*?(src\/|node_modules\/)/, '$1');
  if (s.startsWith('node_modules/kafkajs')) return 'KafkaJS';
  if (s.startsWith('node_modules/')) return `lib: ${s.split('/')[1]}`;
  if (s.startsWith('src/code/')) return 'code worker shims (sockets, clock, Buffer)';
  if (s.startsWith('src/worker/wire-bridge')) return 'wire bridge';
  if (s.startsWith('src/wire/')) return 'wire codec (decode/encode)';
  if (s.startsWith('src/engine/')) return 'engine (simulation)';
  if (s.startsWith('src/worker/')) return 'engine host (batches, storage, keyframes)';
  if (s.startsWith('src/bridge/')) return 'bridge (snapshot delta, protocol)';
  if (s.startsWith('src/ui/')) return 'UI';
  return s;
}

/** Records a trace while `during` runs; prints self time per thread and area. */
export async function profiled<T>(
  browser: Browser,
  page: Page,
  outDir: string,
  during: () => Promise<T>,
): Promise<T> {
  await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', '__metadata'] });
  const result = await during();
  const trace = JSON.parse((await browser.stopTracing()).toString()) as
    { traceEvents: TraceEvent[] } | TraceEvent[];
  summarise(Array.isArray(trace) ? trace : trace.traceEvents, outDir);
  return result;
}

function summarise(events: TraceEvent[], outDir: string): void {
  // Vite's own dependency (through PostCSS); needed only when profiling.
  const { SourceMapConsumer } = createRequire(import.meta.url)(
    'source-map-js',
  ) as typeof import('source-map-js');
  const maps = new Map<string, InstanceType<typeof SourceMapConsumer> | null>();
  const mapFor = (url: string) => {
    const file = url.replace(/^https?:\/\/[^/]+\//, '');
    if (!maps.has(file)) {
      const path = join(outDir, `${file}.map`);
      maps.set(file, existsSync(path) ? new SourceMapConsumer(JSON.parse(readFileSync(path, 'utf8'))) : null);
    }
    return maps.get(file);
  };
  const nodes = new Map<string, ProfileNode>();
  /** Per thread: area → ms, and the script its samples ran most (to name the thread). */
  const threads = new Map<string, { areas: Map<string, number>; scripts: Map<string, number> }>();
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.tid}:${e.id}`;
    const data = e.args?.data;
    for (const n of data?.cpuProfile?.nodes ?? []) nodes.set(`${key}:${n.id}`, n);
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    const thread = `${e.pid}:${e.tid}`;
    const t = threads.get(thread) ?? { areas: new Map(), scripts: new Map() };
    threads.set(thread, t);
    samples.forEach((id, i) => {
      const node = nodes.get(`${key}:${id}`);
      if (!node) return;
      const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
      const { url, lineNumber, columnNumber, functionName } = node.callFrame;
      const source = url
        ? (mapFor(url)?.originalPositionFor({ line: lineNumber + 1, column: columnNumber }).source ?? null)
        : null;
      const a = area(source, functionName);
      t.areas.set(a, (t.areas.get(a) ?? 0) + ms);
      if (url) t.scripts.set(url, (t.scripts.get(url) ?? 0) + ms);
    });
  }
  for (const t of threads.values()) {
    const busy = [...t.areas].filter(([a]) => a !== '(idle)').reduce((s, [, ms]) => s + ms, 0);
    if (busy < 50) continue;
    const script = [...t.scripts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
    const name = /engine\.worker/.test(script)
      ? 'engine worker'
      : /code\.worker/.test(script)
        ? 'code worker'
        : 'page main thread';
    console.log(`  ${name}: ${Math.round(busy)} ms busy, ${Math.round(t.areas.get('(idle)') ?? 0)} ms idle`);
    for (const [a, ms] of [...t.areas].sort((x, y) => y[1] - x[1]))
      if (a !== '(idle)' && ms / busy >= 0.02)
        console.log(`    ${((ms / busy) * 100).toFixed(0).padStart(3)}%  ${a}`);
  }
}
