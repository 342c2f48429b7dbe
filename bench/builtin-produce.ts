/**
 * What the KafkaJS benches (wire.bench.ts, code-socket.bench.ts) compare against: the built-in
 * producer sending the same records (acks=all, linger.ms 5) into a 3-broker cluster with a `bench`
 * topic of `partitions` partitions, RF 3, as fast as the machine goes.
 */
import { createSimulation, type Simulation } from '../src/engine/index';
import { enqueueRecords } from '../src/engine/testing/bench-kit';

export const benchRecords = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `user-${i % 5000}`, value: 'x'.repeat(100) }));

/** The seed of the benches' cluster (the Code tool's session uses it too). */
export const BENCH_SEED = 1;

/** A 3-broker cluster (seed BENCH_SEED), all unfenced, with the `bench` topic on its brokers. */
export function benchCluster(partitions: number): Simulation {
  const sim = createSimulation({ seed: BENCH_SEED, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  sim.dispatch({ type: 'topic.create', topic: 'bench', partitions, replicationFactor: 3 });
  sim.runFor(2000);
  return sim;
}

/** Records/s the built-in producer gets acknowledged. `now`: the wall clock, in ms. */
export function builtInProduceRate(partitions: number, count: number, now: () => number): number {
  const sim = benchCluster(partitions);
  sim.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  sim.runFor(500);
  const start = now();
  enqueueRecords(sim, 'load', 'bench', benchRecords(count));
  let acked = 0;
  for (let guard = 0; guard < 10_000 && acked < count; guard++) {
    sim.runFor(50);
    acked = sim.snapshot().producers[0]!.acked;
  }
  if (acked !== count) throw new Error(`built-in: only ${acked} acked`);
  return (count / (now() - start)) * 1000;
}
