/**
 * Idle partitions cost next to nothing (issue 21 §6; incremental fetch sessions, KIP-227,
 * src/engine/cluster/fetch-session.ts): the engine's wall time per virtual second of a cluster with
 * 1000 partitions (3 brokers, RF 3) where one producer writes to one partition once a second, the
 * cost of replaying (and so of stepping back) such a session. Baseline in the same run: the same
 * cluster with `max.incremental.fetch.session.cache.slots=0`, Kafka's own switch that makes every
 * fetch a full one (each follower fetch lists, and each answer carries, every partition).
 */
import { performance } from 'node:perf_hooks';
import { createSimulation, type Simulation } from '../src/engine';
import { report } from './measure';

const PARTITIONS = 1000;
const RUN_MS = 5000;
const ROUNDS = 3;

function cluster(slots: number): Simulation {
  const sim = createSimulation({
    seed: 1,
    brokers: 3,
    brokerConfig: { 'max.incremental.fetch.session.cache.slots': slots },
  });
  sim.runFor(3000);
  sim.dispatch({ type: 'topic.create', topic: 'wide', partitions: PARTITIONS, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
  sim.runFor(3000);
  return sim;
}

/** Median wall ms per virtual second over ROUNDS replays of the same RUN_MS from one checkpoint. */
function costPerVirtualSecond(sim: Simulation): number {
  const start = sim.checkpoint();
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    sim.restore(start);
    const t0 = performance.now();
    for (let ms = 0; ms < RUN_MS; ms += 1000) {
      sim.dispatch({
        type: 'producer.send',
        producer: 'p1',
        topic: 'wide',
        key: null,
        value: 'v',
        partition: 0,
      });
      sim.runFor(1000);
    }
    times.push((performance.now() - t0) / (RUN_MS / 1000));
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

export function benchIdlePartitions(): void {
  const withSessions = costPerVirtualSecond(cluster(1000));
  const without = costPerVirtualSecond(cluster(0));
  report(
    `replay ${PARTITIONS} partitions, 1 busy, with fetch sessions (per virtual second; baseline: every fetch full)`,
    withSessions,
    without,
    'ms',
  );
}
