import { describe, expect, it } from 'vitest';
import {
  newStickyPartitionerState,
  pickPartition,
  recordStickyBytes,
  stickyPartition,
  type RandomInt,
} from './sticky-partitioner';

/** A scripted "random" source that also records which n it was asked for. */
function scripted(values: number[]): RandomInt & { asked: number[] } {
  const asked: number[] = [];
  const f = (n: number): number => {
    asked.push(n);
    const v = values.shift();
    if (v === undefined) throw new Error('out of scripted values');
    return v;
  };
  return Object.assign(f, { asked });
}

const ALL_UP = [1, 2, 3, 1, 2, 3];

describe('sticky partitioner for keyless records', () => {
  it('picks a random partition for the first record and keeps it while bytes stay under batch.size', () => {
    const state = newStickyPartitionerState();
    const rnd = scripted([4]);
    for (let i = 0; i < 16; i++) {
      expect(stickyPartition(state, 'orders', ALL_UP, 16384, rnd)).toBe(4);
      recordStickyBytes(state, 'orders', 1000);
    }
    expect(rnd.asked).toEqual([6]);
    expect(state['orders']).toEqual({ partition: 4, bytes: 16000 });
  });

  it('switches once batch.size bytes went to the sticky partition, and may pick the same one again', () => {
    const state = newStickyPartitionerState();
    const rnd = scripted([2, 2, 5]);
    expect(stickyPartition(state, 't', ALL_UP, 100, rnd)).toBe(2);
    recordStickyBytes(state, 't', 100);
    expect(stickyPartition(state, 't', ALL_UP, 100, rnd)).toBe(2);
    expect(state['t']!.bytes).toBe(0);
    recordStickyBytes(state, 't', 150);
    expect(stickyPartition(state, 't', ALL_UP, 100, rnd)).toBe(5);
  });

  it('chooses among partitions that have a leader only', () => {
    const leaders = [1, -1, 3, -1, 2];
    expect(pickPartition(leaders, scripted([0]))).toBe(0);
    expect(pickPartition(leaders, scripted([1]))).toBe(2);
    expect(pickPartition(leaders, scripted([2]))).toBe(4);
    const rnd = scripted([2]);
    pickPartition(leaders, rnd);
    expect(rnd.asked).toEqual([3]);
  });

  it('falls back to all partitions when none has a leader', () => {
    const rnd = scripted([3]);
    expect(pickPartition([-1, -1, -1, -1], rnd)).toBe(3);
    expect(rnd.asked).toEqual([4]);
  });

  it('keeps one sticky partition per topic', () => {
    const state = newStickyPartitionerState();
    const rnd = scripted([1, 0]);
    expect(stickyPartition(state, 'a', [1, 1], 10, rnd)).toBe(1);
    expect(stickyPartition(state, 'b', [1, 1], 10, rnd)).toBe(0);
    expect(stickyPartition(state, 'a', [1, 1], 10, rnd)).toBe(1);
  });

  it('re-picks when the sticky partition no longer exists', () => {
    const state = { t: { partition: 5, bytes: 0 } };
    expect(stickyPartition(state, 't', [1, 1, 1], 10, scripted([1]))).toBe(1);
  });

  it('treats batch.size 0 as 1 byte, so every record switches', () => {
    const state = newStickyPartitionerState();
    const rnd = scripted([0, 1]);
    stickyPartition(state, 't', [1, 1], 0, rnd);
    recordStickyBytes(state, 't', 1);
    expect(stickyPartition(state, 't', [1, 1], 0, rnd)).toBe(1);
  });

  it('keeps state as plain data that survives a JSON round trip', () => {
    const state = newStickyPartitionerState();
    stickyPartition(state, 't', ALL_UP, 100, scripted([3]));
    recordStickyBytes(state, 't', 40);
    const copy = JSON.parse(JSON.stringify(state)) as typeof state;
    expect(stickyPartition(copy, 't', ALL_UP, 100, scripted([]))).toBe(3);
  });

  it('rejects a random source that returns out of range', () => {
    expect(() => pickPartition([1, 1], () => 2)).toThrow(RangeError);
  });
});
