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

/** One burst: `sends` records, then `ms` of virtual time for them to be replicated. */
export function burst(t: Timeline, n: number, sends: number, ms: number): void {
  for (let i = 0; i < sends; i++) {
    t.dispatch({
      type: 'producer.send',
      producer: 'load',
      topic: 'bench',
      key: `user-${(n * sends + i) % 997}`,
      value: VALUE,
    });
  }
  t.advance(ms);
}
