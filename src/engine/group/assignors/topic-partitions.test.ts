import { describe, expect, it } from 'vitest';
import {
  byPartitionThenTopic,
  byTopicThenPartition,
  javaTopicPartitionHash,
  newTopicPartitionHashSet,
  tpKey,
} from './topic-partitions';
import { tpNames, tps } from './fixtures';

describe('topic-partition helpers', () => {
  it('hashes like TopicPartition.hashCode', () => {
    // 31 * (31 + 1) + "t".hashCode() = 992 + 116
    expect(javaTopicPartitionHash({ topic: 't', partition: 1 })).toBe(1108);
  });

  it('iterates a HashSet<TopicPartition> as a JDK does', () => {
    const set = newTopicPartitionHashSet();
    for (let p = 0; p < 20; p++) set.add({ topic: 'orders', partition: p });
    // Printed by a JDK 17 HashSet of records with TopicPartition's hashCode.
    expect(set.values().map((tp) => tp.partition)).toEqual([
      7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 1, 2, 3, 4, 5, 6,
    ]);
  });

  it('sorts by topic then partition, or by partition then topic', () => {
    const list = tps('t2-0, t1-1, t1-0, t2-1');
    expect(tpNames([...list].sort(byTopicThenPartition))).toEqual(['t1-0', 't1-1', 't2-0', 't2-1']);
    expect(tpNames([...list].sort(byPartitionThenTopic))).toEqual(['t1-0', 't2-0', 't1-1', 't2-1']);
  });

  it('builds keys no topic name can make collide', () => {
    expect(tpKey({ topic: '1:a', partition: 0 })).not.toBe(tpKey({ topic: 'a', partition: 10 }));
    expect(tpNames(tps('my-topic-12'))).toEqual(['my-topic-12']);
  });
});
