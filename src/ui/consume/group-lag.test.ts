import { expect, it } from 'vitest';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { groupLag } from './group-lag';

it('a group’s lag is the high watermark minus its committed offset, per partition', () => {
  const sim = untilReady(cluster(1));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
  for (let i = 0; i < 10; i++)
    sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: 'k',
      value: `v${i}`,
      partition: 1,
    });
  sim.dispatch({ type: 'consumer.create', consumer: 'c1', groupId: 'g1' });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] });
  const stable = sim.runUntil(
    (s) => s.snapshot().groups[0]?.offsets.some((o) => o.partition === 1 && o.offset === 10) ?? false,
    30_000,
  );
  expect(stable).toBe(true);
  const snap = sim.snapshot();
  const lag = groupLag(snap, snap.groups[0]!);
  expect(lag).toEqual([
    { topic: 'orders', partition: 0, owner: 'c1', committed: expect.any(Number), highWatermark: 0, lag: 0 },
    { topic: 'orders', partition: 1, owner: 'c1', committed: 10, highWatermark: 10, lag: 0 },
  ]);
  // Ten more records, not yet consumed: the lag is the gap.
  const behind = structuredClone(snap);
  const p1 = behind.topics.find((t) => t.name === 'orders')!.partitions[1]!;
  for (const r of p1.replicaStates) r.highWatermark = 20;
  expect(groupLag(behind, behind.groups[0]!)[1]).toMatchObject({ committed: 10, highWatermark: 20, lag: 10 });
});
