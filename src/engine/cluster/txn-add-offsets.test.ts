/**
 * AddOffsetsToTxn before __consumer_offsets exists (KafkaApis.handleAddOffsetsToTxnRequest): the
 * coordinator adds partitionFor(groupId) = abs(hashCode) % offsets.topic.num.partitions to the
 * transaction without needing the topic. A client that never ran a consumer (KafkaJS's
 * `sendOffsets` in a fresh cluster) gets NONE, not COORDINATOR_NOT_AVAILABLE: KafkaJS does not
 * retry that answer, and its script would throw.
 */
import { describe, expect, it } from 'vitest';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';
import { coordinatorPartition } from '../group/java-hash';

describe('AddOffsetsToTxn', () => {
  it('adds the group’s __consumer_offsets partition at once, even before the topic exists', () => {
    const sim = untilReady(
      cluster(11, {
        brokers: 3,
        brokerConfig: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 5 },
      }),
    );
    sim.dispatch({ type: 'topic.create', topic: 'payments', partitions: 1, replicationFactor: 3 });
    sim.runFor(500);
    sim.dispatch({
      type: 'producer.create',
      producer: 'tp',
      config: { 'transactional.id': 'payment-writer' },
    });
    const ready = sim.runUntil(
      (s) => s.snapshot().producers.find((p) => p.id === 'tp')?.transactionState === 'READY',
      20_000,
    );
    expect(ready, tail(sim)).toBe(true);
    expect(sim.snapshot().topics.some((t) => t.name === '__consumer_offsets')).toBe(false);

    sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
    sim.dispatch({
      type: 'producer.send',
      producer: 'tp',
      topic: 'payments',
      key: 'alice',
      value: 'paid 10',
    });
    sim.dispatch({
      type: 'producer.sendOffsetsToTransaction',
      producer: 'tp',
      groupId: 'payment-processor',
      offsets: [{ topic: 'payments', partition: 0, offset: 1 }],
    });
    sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
    const done = sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 20_000);
    expect(done, tail(sim)).toBe(true);

    // The very first answer is NONE: nothing to retry.
    const answers = sim
      .trace()
      .flatMap((e) => (e.type === 'rpc.sent' && e.kind === 'AddOffsetsToTxnResponse' ? [e.body] : []));
    expect(answers[0]).toEqual({ error: null });
    // The partition in the transaction is the one the group coordinator uses for the group.
    const committed = eventsOf(sim, 'transaction.committed')[0]!;
    expect(committed.partitions).toContainEqual({
      topic: '__consumer_offsets',
      partition: coordinatorPartition('payment-processor', 5),
    });
    const group = sim.snapshot().groups.find((g) => g.groupId === 'payment-processor');
    expect(group?.offsets).toEqual([{ topic: 'payments', partition: 0, offset: 1 }]);
  });
});
