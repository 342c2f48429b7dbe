/**
 * The space-time diagram's layout for a 10-second window of a busy cluster (issue 18: within one
 * frame). 3 controllers, 3 brokers, 2 acks=all producers sending every 50 ms (40 records/s) and a two-member group
 * reading; the window is the last 10 s of virtual time. Measured: what SpaceTimeView computes per
 * draw (arrows from the window's events, "only what reached c1" filter, chatter bundles, every
 * arrow's coordinates). Baseline, same run: the engine's own time to make that window. Both are
 * this process's CPU time (process.cpuUsage), not wall time: on a shared, loaded machine wall time
 * mostly measures the wait for a core.
 */

import { createSimulation, type EngineEvent } from '../src/engine/index';
import { arrowsOf, bundle, causalPast } from '../src/ui/spacetime/spacetime-layout';
import { report } from './measure';
import { sendEvery50ms, startBusyCluster } from './busy-cluster';

/** CPU ms spent in `fn`. */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}
const WINDOW_MS = 10_000;
const FRAME_MS = 1000 / 60;

function busyWindow(): { events: EngineEvent[]; engineMs: number; nowMs: number } {
  const sim = createSimulation({ seed: 4, brokers: 3, controllers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  startBusyCluster(sim, 'orders', ['p1', 'p2'], { acks: 'all' });
  sim.runFor(5000);
  const from = sim.events().length;
  const engineMs = cpuMs(() => {
    sendEvery50ms(sim, 'orders', ['p1', 'p2'], WINDOW_MS / 50);
  });
  return { events: sim.events().slice(from), engineMs, nowMs: sim.now() };
}

/** One draw's worth of layout, as SpaceTimeView does it: arrows, filter, bundles, coordinates. */
function layout(events: readonly EngineEvent[], nowMs: number, nodes: readonly string[]): number {
  const x = new Map(nodes.map((n, i) => [n, 20 + i * 80]));
  const fromMs = nowMs - WINDOW_MS;
  const y = (ms: number) => 34 + ((ms - fromMs) / WINDOW_MS) * 440;
  const all = arrowsOf(events).filter((a) => x.has(a.from) && x.has(a.to) && a.sentAtMs <= nowMs);
  const shown = bundle(all, WINDOW_MS / 20);
  const reached = bundle(causalPast(all, 'consumer:c1', nowMs), WINDOW_MS / 20);
  let sum = 0;
  for (const a of [...shown, ...reached])
    sum += x.get(a.from)! + y(a.sentAtMs) + x.get(a.to)! + y(Math.min(a.deliverAtMs, nowMs));
  return sum;
}

export function benchSpacetime(): void {
  const { events, engineMs, nowMs } = busyWindow();
  const nodes = [
    ...['controller-1', 'controller-2', 'controller-3', 'broker-1', 'broker-2', 'broker-3'],
    ...['producer:p1', 'producer:p2', 'consumer:c1', 'consumer:c2'],
  ];
  layout(events, nowMs, nodes); // warm-up
  // The mean of 20 draws (one draw is too short for cpuUsage's resolution to be fair).
  const ms =
    cpuMs(() => {
      for (let i = 0; i < 20; i++) layout(events, nowMs, nodes);
    }) / 20;
  const rpcs = events.filter((e) => e.type === 'rpc.sent').length;
  report('space-time layout of a 10 s window', ms, engineMs, 'ms');
  console.log(
    `  (${events.length} events, ${rpcs} messages; ${((ms / FRAME_MS) * 100).toFixed(0)}% of a ${FRAME_MS.toFixed(1)} ms frame; baseline: the engine making the window)`,
  );
}
