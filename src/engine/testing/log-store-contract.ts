/**
 * The LogStore contract as a test suite: every implementation (the engine's in-memory logs, the
 * worker's IndexedDB segments) runs the same cases, so they cannot drift apart. Imported only by
 * test files.
 */
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../protocol/produce';
import type { LogStore } from '../storage/log-store';

/** A stamped batch of `count` records starting at `baseOffset`. */
export function stampedBatch(baseOffset: number, count: number, epoch = 0, tag = 'v'): RecordBatch {
  const records = Array.from({ length: count }, (_, i) => ({
    key: `k${(baseOffset + i) % 7}`,
    value: `${tag}-${baseOffset + i}`,
    timestamp: baseOffset + i,
  }));
  return {
    baseOffset,
    partitionLeaderEpoch: epoch,
    producerId: -1,
    producerEpoch: 0,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    records,
    sizeBytes: 61 + count * 20,
  };
}

/** Batches covering [from, from + count * size), `size` records each. */
export function stampedBatches(from: number, count: number, size: number, epoch = 0): RecordBatch[] {
  return Array.from({ length: count }, (_, i) => stampedBatch(from + i * size, size, epoch));
}

const offsets = (batches: RecordBatch[]) => batches.flatMap((b) => b.records.map((_, i) => b.baseOffset + i));

export function describeLogStore(name: string, open: () => Promise<LogStore>): void {
  describe(`${name} (the LogStore contract)`, () => {
    const L = 'broker-1/orders-0';

    it('appends batches and reads them back whole, in offset order', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 3, 4));
      await store.append(L, [stampedBatch(12, 2)]);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 14 });
      const all = await store.read(L, 0, Number.POSITIVE_INFINITY);
      expect(offsets(all)).toEqual([...Array(14).keys()]);
      expect(all[3]).toEqual(stampedBatch(12, 2));
    });

    it('reads from the batch holding `from` and never hands out part of a batch past `to`', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 4, 5)); // [0..4] [5..9] [10..14] [15..19]
      expect((await store.read(L, 7, 15)).map((b) => b.baseOffset)).toEqual([5, 10]);
      expect((await store.read(L, 7, 14)).map((b) => b.baseOffset)).toEqual([5]);
      expect(await store.read(L, 20, 30)).toEqual([]);
      expect(await store.read('broker-9/none-0', 0, 10)).toEqual([]);
    });

    it('refuses an append that overlaps, and changes nothing', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 2, 5));
      await expect(store.append(L, [stampedBatch(5, 1)])).rejects.toThrow(/overlaps the log end 10/);
      await expect(store.append(L, [stampedBatch(9, 1)])).rejects.toThrow(/overlaps/);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 10 });
    });

    it('takes a batch after a gap, as a compacted log has them', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 2, 5));
      await store.append(L, [stampedBatch(14, 2)]);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 16 });
      expect((await store.read(L, 0, 100)).map((b) => b.baseOffset)).toEqual([0, 5, 14]);
      expect((await store.read(L, 11, 100)).map((b) => b.baseOffset)).toEqual([14]);
    });

    it('truncates at a batch boundary and inside a batch, keeping the head', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 4, 5));
      await store.truncate(L, 15);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 15 });
      await store.truncate(L, 7);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 7 });
      const all = await store.read(L, 0, Number.POSITIVE_INFINITY);
      expect(offsets(all)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(all[1]?.records.map((r) => r.value)).toEqual(['v-5', 'v-6']);
      // A new leader's batches continue from the truncation point.
      await store.append(L, [stampedBatch(7, 3, 1, 'w')]);
      const after = await store.read(L, 5, Number.POSITIVE_INFINITY);
      expect(after.flatMap((b) => b.records.map((r) => r.value))).toEqual([
        'v-5',
        'v-6',
        'w-7',
        'w-8',
        'w-9',
      ]);
    });

    it('truncating past the end changes nothing; truncating to 0 empties the log', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 2, 5));
      await store.truncate(L, 50);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 10 });
      await store.truncate(L, 0);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 0 });
      expect(await store.read(L, 0, 100)).toEqual([]);
      await store.append(L, [stampedBatch(0, 1)]);
      expect(await store.bounds(L)).toEqual({ startOffset: 0, endOffset: 1 });
    });

    it('deletes whole batches below an offset and moves the log start', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 4, 5));
      await store.deleteBefore(L, 12);
      expect(await store.bounds(L)).toEqual({ startOffset: 12, endOffset: 20 });
      // The batch holding 12 stays whole: the log start may sit inside a batch, as in Kafka.
      expect((await store.read(L, 0, 100)).map((b) => b.baseOffset)).toEqual([10, 15]);
    });

    it('empties a log and starts it over at an offset past its end', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 2, 5));
      await store.checkpoint(L, { highWatermark: 10, epochs: [{ epoch: 0, startOffset: 0 }] });
      await store.truncateFullyAndStartAt(L, 40);
      expect(await store.bounds(L)).toEqual({ startOffset: 40, endOffset: 40 });
      expect(await store.read(L, 0, 100)).toEqual([]);
      expect(await store.loadCheckpoint(L)).toEqual({ highWatermark: 40, epochs: [] });
      await store.append(L, [stampedBatch(40, 3, 2)]);
      expect((await store.read(L, 0, 100)).map((b) => b.baseOffset)).toEqual([40]);
      await expect(store.append(L, [stampedBatch(0, 1)])).rejects.toThrow(/overlaps the log end 43/);
    });

    it('keeps the checkpoint (high watermark and epochs) beside the log', async () => {
      const store = await open();
      await store.append(L, stampedBatches(0, 2, 5));
      const checkpoint = { highWatermark: 8, epochs: [{ epoch: 0, startOffset: 0 }] };
      await store.checkpoint(L, checkpoint);
      expect(await store.loadCheckpoint(L)).toEqual(checkpoint);
      await store.checkpoint(L, { highWatermark: 10, epochs: [] });
      expect(await store.loadCheckpoint(L)).toEqual({ highWatermark: 10, epochs: [] });
    });

    it('keeps logs apart, lists them and forgets a removed one', async () => {
      const store = await open();
      const other = 'broker-2/orders-0';
      await store.append(L, stampedBatches(0, 1, 3));
      await store.append(other, stampedBatches(0, 2, 3));
      expect(await store.logs()).toEqual([L, other]);
      await store.remove(L);
      expect(await store.logs()).toEqual([other]);
      expect(await store.bounds(L)).toBeUndefined();
      expect(await store.bounds(other)).toEqual({ startOffset: 0, endOffset: 6 });
    });
  });
}
