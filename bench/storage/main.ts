/**
 * The benchmark page: starts the benchmark worker and collects its lines on `window.benchResult`
 * for the Node runner (bench/storage.bench.ts), which drives this page in headless Chromium.
 */
import type { BenchLine } from './bench.worker';

export interface BenchResult {
  lines: BenchLine[];
  done: boolean;
  error?: string;
}

declare global {
  interface Window {
    benchResult: BenchResult;
  }
}

const result: BenchResult = { lines: [], done: false };
window.benchResult = result;
const status = document.getElementById('status');

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.postMessage({ only: new URLSearchParams(location.search).get('only') ?? undefined });
worker.addEventListener(
  'message',
  (event: MessageEvent<{ type: string; line?: BenchLine; message?: string }>) => {
    const data = event.data;
    if (data.type === 'line' && data.line) result.lines.push(data.line);
    if (data.type === 'error') result.error = data.message ?? 'unknown error';
    if (data.type === 'done' || data.type === 'error') result.done = true;
    if (status) status.textContent = result.done ? 'done' : `${result.lines.length} lines`;
  },
);
worker.addEventListener('error', (event) => {
  result.error = event.message;
  result.done = true;
});
