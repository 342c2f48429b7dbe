/**
 * The measurements SIMULATION_LIMITS (src/engine/limits.ts) is sized from: for N partitions
 * (RF 3, 3 brokers), the engine's wall time to create them, to run 5 s of idle virtual time, to
 * take a snapshot (and its size) and a keyframe copy. Run: `npx tsx bench/limits-measure.ts`.
 */
import { createSimulation } from '../src/engine';
for (const n of [10, 100, 500, 1000, 2000]) {
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runFor(3000);
  let t0 = performance.now();
  sim.dispatch({ type: 'topic.create', topic: 't', partitions: n, replicationFactor: 3 });
  sim.runFor(2000);
  const create = performance.now() - t0;
  t0 = performance.now();
  const before = sim.trace().length;
  sim.runFor(5000);
  const idle = performance.now() - t0;
  const ev = sim.trace().length - before;
  t0 = performance.now();
  const snap = sim.snapshot();
  const snapMs = performance.now() - t0;
  t0 = performance.now();
  sim.checkpoint();
  const cpMs = performance.now() - t0;
  console.log(
    JSON.stringify({
      n,
      createMs: Math.round(create),
      idleMsPer5sVirtual: Math.round(idle),
      idleEvents: ev,
      snapMs: snapMs.toFixed(1),
      snapKB: Math.round(JSON.stringify(snap).length / 1000),
      checkpointMs: cpMs.toFixed(1),
    }),
  );
}
