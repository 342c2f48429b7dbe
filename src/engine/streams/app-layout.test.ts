import { describe, expect, it } from 'vitest';
import { internalTopics, nextPartition, tasksOf, transactionalId } from './app-layout';
import { buildTopology } from './topology-builder';

const graph = buildTopology({
  steps: [
    { id: 'p', op: 'stream', topic: 'purchases' },
    { id: 'k', op: 'selectKey', from: 'p', key: 'value.user' },
    { id: 'g', op: 'groupByKey', from: 'k' },
    {
      id: 'w',
      op: 'windowedBy',
      from: 'g',
      windows: { type: 'tumbling', sizeMs: 3_600_000, graceMs: 60_000 },
    },
    { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'hourly' },
    { id: 's', op: 'suppress', from: 'c' },
    { id: 'ts', op: 'toStream', from: 's' },
    { id: 'o', op: 'to', from: 'ts', topic: 'alerts' },
  ],
});
const counts = (t: string) => (t === 'purchases' ? 3 : undefined);

describe('an application’s layout on the cluster', () => {
  it('has one task per sub-topology and partition, named like Kafka’s TaskId', () => {
    expect(tasksOf(graph, counts).map((t) => t.id)).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1', '1_2']);
  });

  it('creates a repartition topic as wide as its upstream sources and a changelog per store', () => {
    expect(internalTopics(graph, 'shop', counts)).toEqual([
      {
        name: 'shop-hourly-repartition',
        partitions: 3,
        config: { 'cleanup.policy': 'delete' },
        kind: 'repartition',
      },
      {
        name: 'shop-hourly-changelog',
        partitions: 3,
        config: { 'cleanup.policy': 'compact,delete' },
        kind: 'changelog',
        store: 'hourly',
      },
      {
        name: 'shop-KTABLE-SUPPRESS-STATE-STORE-0000000007-changelog',
        partitions: 3,
        config: { 'cleanup.policy': 'compact' },
        kind: 'changelog',
        store: 'KTABLE-SUPPRESS-STATE-STORE-0000000007',
      },
    ]);
  });

  it('refuses to lay out an application whose source topic is missing', () => {
    expect(() => tasksOf(graph, () => undefined)).toThrow(/MissingSourceTopicException/);
  });

  it('reads the buffered partition whose head record is oldest next (PartitionGroup)', () => {
    expect(nextPartition([{ timestampMs: 50 }, undefined, { timestampMs: 20 }, { timestampMs: 20 }])).toBe(2);
    expect(nextPartition([undefined, undefined])).toBe(-1);
  });

  it('names the exactly_once_v2 producer after the thread', () => {
    expect(transactionalId('shop', 'p1', 1)).toBe('shop-p1-1');
  });
});
