/**
 * The guarantee checker's cost per event against the engine's own cost per event (issue 18: aim
 * ≤ 0.2). A busy session: 3 brokers, 6 partitions, an acks=all producer and a two-member group,
 * a leader crash and restart half-way. The engine's wall time to make the trace is the baseline;
 * the checker is fed the same trace in slices of 500 events, as the worker feeds it live.
 */
import { performance } from 'node:perf_hooks';
import { createSimulation, GuaranteeChecker, type Simulation } from '../src/engine/index';
import { report } from './measure';
import { startBusyCluster } from './busy-cluster';

const SENDS = 20_000;

function engineRun(): { sim: Simulation; ms: number } {
  const sim = createSimulation({ seed: 3, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  const start = performance.now();
  startBusyCluster(sim, 'bench', ['p'], { acks: 'all', 'linger.ms': 5 });
  for (let i = 0; i < SENDS; i++) {
    sim.dispatch({
      type: 'producer.send',
      producer: 'p',
      topic: 'bench',
      key: `k${i % 500}`,
      value: `value-${i}`,
    });
    if (i % 20 === 0) sim.runFor(5);
    if (i === SENDS / 2) sim.dispatch({ type: 'broker.crash', broker: 1 });
    if (i === (SENDS * 3) / 4) sim.dispatch({ type: 'broker.restart', broker: 1 });
  }
  sim.runFor(20_000);
  return { sim, ms: performance.now() - start };
}

function checkerRun(sim: Simulation): { ms: number; findings: number } {
  const events = sim.events();
  const start = performance.now();
  const checker = new GuaranteeChecker();
  for (let i = 0; i < events.length; i += 500) checker.feed(events.slice(i, i + 500));
  return { ms: performance.now() - start, findings: checker.violations().length };
}

export function benchChecker(): void {
  const runs = [engineRun(), engineRun()];
  const engine = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  const events = engine.sim.events().length;
  checkerRun(engine.sim); // warm-up
  const checks = [checkerRun(engine.sim), checkerRun(engine.sim), checkerRun(engine.sim)];
  const checker = checks.reduce((a, b) => (a.ms < b.ms ? a : b));
  if (checker.findings !== 0) throw new Error(`the safe bench session has ${checker.findings} violations`);
  const perEvent = (ms: number) => (ms * 1e6) / events; // ns per event
  report('guarantee checker cost per event', perEvent(checker.ms), perEvent(engine.ms), 'ns/event');
  console.log(
    `  (${events} events; engine ${engine.ms.toFixed(0)} ms, checker ${checker.ms.toFixed(0)} ms; aim ratio ≤ 0.2)`,
  );
}
