/**
 * A batch the leader refused with MESSAGE_TOO_LARGE is split and sent again when it holds more
 * than one record (Kafka's Sender → RecordAccumulator.splitAndReenqueue); a single record that is
 * too large fails with RecordTooLargeException. Kafka splits by batch.size; StreamLab splits into
 * one-record batches (docs/cli.md says why: a batch smaller than batch.size would split into itself
 * and be resent until delivery.timeout.ms in Kafka), keeping the order, the creation time and,
 * with idempotence, the sequence numbers.
 */
import { BATCH_OVERHEAD_BYTES, recordSize } from '../protocol/produce';
import type { PartitionQueue, ProducerBatch, ProducerVolatile } from './producer-state';

export function splitAndReenqueue(v: ProducerVolatile, q: PartitionQueue, big: ProducerBatch): void {
  const parts: ProducerBatch[] = big.records.map((record, i) => {
    const sends: number[] = [];
    for (let s = 0; s < big.sends.length; s += 2) if (big.sends[s] === i) sends.push(0, big.sends[s + 1]!);
    return {
      ...big,
      id: v.nextBatchId++,
      records: [record],
      sizeBytes: BATCH_OVERHEAD_BYTES + recordSize(record.key, record.value, record.headers),
      sends,
      closed: true,
      baseSequence: big.baseSequence >= 0 ? big.baseSequence + i : -1,
      wire: null,
    };
  });
  v.queuedRecords += big.records.length;
  q.batches.unshift(...parts);
}
