/**
 * Test, bench and lesson helpers for Flink mode: a Kafka cluster with input and output topics
 * (the streams kit's), a Flink cluster beside it, and the pipelines the tests and lesson 19 run.
 */
import type { FacadeSimulation as Simulation } from '../simulation';
import type { TopologyStep } from '../streams/topology-spec';

/** Count each user's purchases per 10 s tumbling Window (grace 2 s), to `counts`. */
export const COUNT_PER_WINDOW: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'purchases' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 10000, graceMs: 2000 } },
  { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'counts' },
  { id: 's', op: 'toStream', from: 'c' },
  { id: 'to', op: 'to', from: 's', topic: 'totals' },
];

/** A rolling count per user (every input changes one count): each input's effect is one output. */
export const ROLLING_COUNT: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'purchases' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'c', op: 'aggregate', from: 'g', kind: 'count', store: 'counts' },
  { id: 's', op: 'toStream', from: 'c' },
  { id: 'to', op: 'to', from: 's', topic: 'totals' },
];

/** Fast liveness for teaching: heartbeats every 200 ms, a TaskManager lost after 1 s of silence. */
export const FLINK_CLUSTER_CONFIG = {
  'taskmanager.numberOfTaskSlots': 1,
  'heartbeat.interval': 200,
  'heartbeat.timeout': 1000,
  'restart-strategy.fixed-delay.delay': 500,
};

export function startFlink(sim: Simulation, taskManagers = 2, slots = 1): void {
  sim.dispatch({
    type: 'flink.start',
    taskManagers,
    config: { ...FLINK_CLUSTER_CONFIG, 'taskmanager.numberOfTaskSlots': slots },
  });
  sim.runFor(300);
}

export function submitFlink(
  sim: Simulation,
  steps: TopologyStep[],
  guarantee: 'exactly-once' | 'at-least-once',
  parallelism = 2,
  intervalMs = 500,
  extra: { outOfOrdernessMs?: number; allowedLatenessMs?: number } = {},
): void {
  sim.dispatch({
    type: 'flink.submit',
    job: 'purchases-job',
    topology: { steps },
    config: {
      'parallelism.default': parallelism,
      'execution.checkpointing.interval': intervalMs,
      'sink.delivery-guarantee': guarantee,
    },
    ...extra,
  });
}
