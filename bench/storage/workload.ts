/**
 * The produce-heavy workload of the browser benchmarks: a 3-broker cluster, one topic of 3
 * partitions replicated 3 ways, one acks=all producer sending 100-byte values in bursts. Every
 * record is written by 3 replicas, so the logs grow 3 records per send.
 */
import type { Timeline } from '../../src/worker/timeline';

export const VALUE = 'v'.repeat(100);

/** Set up the cluster, topic and producer (first 4 s of virtual time). */
export function setUp(t: Timeline): void {
  t.advance(3000);
  t.dispatch({ type: 'topic.create', topic: 'bench', partitions: 3, replicationFactor: 3 });
  t.advance(500);
  t.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  t.advance(500);
}

/**
 * One burst: `sends` records, then `ms` of virtual time for them to be replicated. The records go
 * as bursts of 20 under one key each (`producer.sendMany`, as the produce panel sends them), so a
 * session of 150 000 replica records stays within the commands one session may hold (5000), and
 * the keys still spread the records over the partitions.
 */
export function burst(t: Timeline, n: number, sends: number, ms: number): void {
  const groups = Math.max(1, Math.round(sends / 20));
  for (let g = 0; g < groups; g++) {
    const count = Math.floor(sends / groups) + (g < sends % groups ? 1 : 0);
    t.dispatch({
      type: 'producer.sendMany',
      producer: 'load',
      topic: 'bench',
      key: `user-${(n * groups + g) % 997}`,
      value: VALUE,
      count,
    });
  }
  t.advance(ms);
}
