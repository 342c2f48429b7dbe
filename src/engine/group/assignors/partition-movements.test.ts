import { describe, expect, it } from 'vitest';
import { tps } from './fixtures';
import { PartitionMovements } from './partition-movements';
import type { TopicPartition } from './types';

const [t0, t1, t2] = tps('t-0, t-1, t-2') as [TopicPartition, TopicPartition, TopicPartition];

describe('partition movements in the sticky general path', () => {
  it('moves the partition itself when nothing moved the other way', () => {
    const m = new PartitionMovements();
    expect(m.partitionToMove(t0, 'A', 'B')).toBe(t0);
    m.move(t0, 'A', 'B');
    expect(m.partitionToMove(t1, 'A', 'B')).toBe(t1);
  });

  it('sends back a partition that came the other way instead of moving a second one', () => {
    const m = new PartitionMovements();
    m.move(t0, 'A', 'B');
    // Moving t1 from B to A: t0 already went A → B, so t0 goes back instead.
    expect(m.partitionToMove(t1, 'B', 'A')).toEqual(t0);
  });

  it('forgets a move that is undone, and chains a move onward from the original owner', () => {
    const m = new PartitionMovements();
    m.move(t0, 'A', 'B');
    m.move(t0, 'B', 'A');
    expect(m.partitionToMove(t1, 'B', 'A')).toBe(t1);
    m.move(t2, 'A', 'B');
    m.move(t2, 'B', 'C');
    // t2 is recorded as A → C now: moving t1 from C to A finds it.
    expect(m.partitionToMove(t1, 'C', 'A')).toEqual(t2);
  });

  it('picks the first partition in Java HashSet order when several moved', () => {
    const m = new PartitionMovements();
    m.move(t2, 'A', 'B');
    m.move(t1, 'A', 'B');
    // TopicPartition hashes 31 * (31 + p) + "t".hashCode() put t-2 in bucket 3 and t-1 in bucket 4
    // (a JDK HashSet with the same hashCode iterates t-2 first).
    expect(m.partitionToMove(t0, 'B', 'A')).toEqual(t2);
  });
});
