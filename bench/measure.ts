/**
 * Benchmark helpers. Every figure is printed next to a baseline measured in the same run, as
 * `name: value unit (baseline value unit, ratio R)`, so machines of different speed compare.
 */
import { performance } from 'node:perf_hooks';

/** Run `fn` repeatedly for at least `minMs` wall time after a warm-up; returns ops per second. */
export function rate(fn: () => number, minMs = 1500): number {
  fn(); // warm-up (JIT)
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    ops += fn();
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export function report(name: string, value: number, baseline: number, unit: string): string {
  const line = `${name}: ${fmt(value)} ${unit} (baseline ${fmt(baseline)} ${unit}, ratio ${(value / baseline).toFixed(2)})`;
  console.log(line);
  return line;
}
