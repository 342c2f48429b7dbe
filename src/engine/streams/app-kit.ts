/**
 * Test and bench helpers for streams applications on a simulated cluster: a ready cluster with
 * input and output topics, sends, and reading a topic's committed output the way a read_committed
 * (or read_uncommitted) consumer would, straight from the leader's log.
 */
import type { FacadeSimulation as Simulation } from '../simulation';
import { cluster, untilReady } from '../testing/scenario';
import type { TopologyStep } from './topology-spec';

export const BROKER_CONFIG = {
  'transaction.state.log.num.partitions': 3,
  'offsets.topic.num.partitions': 3,
  'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
};

/** Sum each user's amounts (groupByKey → aggregate sum → toStream → to). */
export const SUM_PER_KEY: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'purchases' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'sum', op: 'aggregate', from: 'g', kind: 'count', store: 'counts' },
  { id: 'out', op: 'toStream', from: 'sum' },
  { id: 'to', op: 'to', from: 'out', topic: 'totals' },
];

/** Every purchase copied to `echo` (one output per input) and counted per user into `totals`. */
export const ECHO_AND_COUNT: TopologyStep[] = [
  { id: 'in', op: 'stream', topic: 'purchases' },
  { id: 'echo', op: 'to', from: 'in', topic: 'echo' },
  { id: 'g', op: 'groupByKey', from: 'in' },
  { id: 'count', op: 'aggregate', from: 'g', kind: 'count', store: 'counts' },
  { id: 'out', op: 'toStream', from: 'count' },
  { id: 'to', op: 'to', from: 'out', topic: 'totals' },
];

export function streamsCluster(seed: number, partitions = 2): Simulation {
  const sim = untilReady(cluster(seed, { brokers: 3, brokerConfig: BROKER_CONFIG }));
  for (const topic of ['purchases', 'totals', 'echo'])
    sim.dispatch({ type: 'topic.create', topic, partitions, replicationFactor: 3 });
  sim.runFor(300);
  sim.dispatch({ type: 'producer.create', producer: 'shop', config: { acks: 'all' } });
  sim.runFor(200);
  return sim;
}

let readers = 0;

/**
 * The records of a topic as a real consumer with `isolation` reads them: a fresh consumer (no group)
 * assigned every partition from the beginning, run for `ms` of virtual time.
 */
export function readTopic(
  sim: Simulation,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_committed',
  ms = 3000,
): { partition: number; offset: number; key: string | null; value: string | null }[] {
  const t = sim.snapshot().topics.find((x) => x.name === topic);
  if (!t) return [];
  const consumer = `reader-${++readers}`;
  const since = sim.events().at(-1)?.seq ?? 0;
  sim.dispatch({
    type: 'consumer.create',
    consumer,
    config: { 'isolation.level': isolation, 'auto.offset.reset': 'earliest' },
  });
  sim.dispatch({
    type: 'consumer.assign',
    consumer,
    partitions: t.partitions.map((p) => ({ topic, partition: p.partition })),
  });
  sim.runFor(ms);
  const out: { partition: number; offset: number; key: string | null; value: string | null }[] = [];
  for (const e of sim.events(since)) {
    if (e.type !== 'consumer.received' || e.consumer !== consumer) continue;
    for (const r of e.records)
      out.push({ partition: r.partition, offset: r.offset, key: r.key, value: r.value });
  }
  sim.dispatch({ type: 'consumer.close', consumer });
  return out;
}
