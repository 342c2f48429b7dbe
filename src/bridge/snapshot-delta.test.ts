import { describe, expect, it } from 'vitest';
import { createSimulation } from '../engine';
import { SnapshotDecoder, SnapshotEncoder, sameData } from './snapshot-delta';

/** What a worker and page pass each other: a structured clone, as postMessage makes. */
const overTheWire = <T>(x: T): T => structuredClone(x);

describe('snapshots across the worker boundary', () => {
  it('arrive whole and equal, with idle partitions sent once and kept by reference', () => {
    const sim = createSimulation({ seed: 1, brokers: 3 });
    sim.runFor(3000);
    sim.dispatch({ type: 'topic.create', topic: 'wide', partitions: 50, replicationFactor: 3 });
    sim.runFor(1000);
    sim.dispatch({ type: 'producer.create', producer: 'p1' });
    const encoder = new SnapshotEncoder();
    const decoder = new SnapshotDecoder();
    const first = decoder.decode(overTheWire(encoder.encode(sim.snapshot())));
    expect(first).toEqual(sim.snapshot());
    sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'wide',
      key: null,
      value: 'x',
      partition: 7,
    });
    sim.runFor(500);
    const sent = encoder.encode(sim.snapshot());
    const wide = sent.topics.find((t) => t.name === 'wide')!;
    // Only the partition written to travels in full; the other 49 are indices.
    expect(wide.partitions.filter((p) => typeof p === 'object')).toHaveLength(1);
    const second = decoder.decode(overTheWire(sent));
    expect(second).toEqual(sim.snapshot());
    const before = first.topics.find((t) => t.name === 'wide')!.partitions;
    const after = second.topics.find((t) => t.name === 'wide')!.partitions;
    expect(after[3]).toBe(before[3]);
    expect(after[7]).not.toBe(before[7]);
    expect(after[7]!.replicaStates[0]!.logEndOffset).toBe(1);
  });

  it('survive topics created and deleted between batches', () => {
    const sim = createSimulation({ seed: 5, brokers: 3 });
    sim.runFor(3000);
    sim.dispatch({ type: 'topic.create', topic: 'a', partitions: 3, replicationFactor: 3 });
    sim.runFor(1000);
    const encoder = new SnapshotEncoder();
    const decoder = new SnapshotDecoder();
    decoder.decode(overTheWire(encoder.encode(sim.snapshot())));
    sim.dispatch({ type: 'topic.delete', topic: 'a' });
    sim.dispatch({ type: 'topic.create', topic: 'b', partitions: 4, replicationFactor: 2 });
    for (let i = 0; i < 4; i++) {
      sim.runFor(700);
      expect(decoder.decode(overTheWire(encoder.encode(sim.snapshot())))).toEqual(sim.snapshot());
    }
  });

  it('compare plain data deeply', () => {
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameData({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
  });
});
