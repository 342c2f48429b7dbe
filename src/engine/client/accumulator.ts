/**
 * The record accumulator (Kafka's RecordAccumulator): per partition, a queue of batches. Records join
 * the newest open batch until it would exceed batch.size; a batch becomes sendable when it is full,
 * when a newer batch follows it, or when linger.ms has passed since it was created. A retried batch
 * goes back to the front of its queue and waits retry.backoff.ms.
 *
 * Appending is the hot path: per record it is one size sum, one push and a comparison. Everything
 * else here runs once per batch.
 */
import { BATCH_OVERHEAD_BYTES, type BatchRecord, type RecordBatch } from '../protocol/produce';
import type { ProducerConfig } from './producer-config';
import type { PartitionQueue, ProducerBatch, ProducerVolatile } from './producer-state';

export function newQueue(topic: string, partition: number): PartitionQueue {
  return { topic, partition, batches: [], inFlight: [], nextSequence: 0 };
}

function newBatch(v: ProducerVolatile, q: PartitionQueue, nowMs: number): ProducerBatch {
  return {
    id: v.nextBatchId++,
    topic: q.topic,
    partition: q.partition,
    records: [],
    sizeBytes: BATCH_OVERHEAD_BYTES,
    sends: [],
    createdMs: nowMs,
    lastAttemptMs: nowMs,
    attempts: 0,
    closed: false,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    wire: null,
  };
}

/**
 * Add one record to the partition's open batch, or to a new one when it would not fit (a record
 * larger than batch.size still gets a batch of its own). Returns the time the sender must look at
 * this queue because of this append, or -1 when an earlier wake-up already covers it.
 */
export function appendRecord(
  v: ProducerVolatile,
  q: PartitionQueue,
  record: BatchRecord,
  sizeBytes: number,
  commandId: number,
  nowMs: number,
  config: ProducerConfig,
): number {
  const batches = q.batches;
  let batch = batches[batches.length - 1];
  let wakeAtMs = -1;
  if (batch === undefined || batch.closed || batch.sizeBytes + sizeBytes > config.batchSize) {
    // The batch before a new one is sendable now: Kafka's "deque.size() > 1".
    if (batch !== undefined && !batch.closed) {
      batch.closed = true;
      wakeAtMs = nowMs;
    }
    batch = newBatch(v, q, nowMs);
    batches.push(batch);
    if (wakeAtMs < 0) wakeAtMs = nowMs + config.lingerMs;
  }
  const index = batch.records.push(record) - 1;
  batch.sizeBytes += sizeBytes;
  if (commandId > 0) batch.sends.push(index, commandId);
  if (batch.sizeBytes >= config.batchSize) {
    batch.closed = true;
    wakeAtMs = nowMs;
  }
  v.queuedRecords++;
  return wakeAtMs;
}

/**
 * When the queue's head batch may be sent (ignoring leader and in-flight limits), after Kafka's
 * RecordAccumulator.partitionReady: a retried batch waits from its last attempt (retry.backoff.ms,
 * doubling with each attempt up to retry.backoff.max.ms; Kafka adds ±20% jitter, left out here so a
 * learner can see the doubling), a full or superseded batch goes at once, and an open one waits
 * linger.ms from its creation.
 */
export function headReadyAtMs(q: PartitionQueue, config: ProducerConfig): number {
  const head = q.batches[0];
  if (head === undefined) return -1;
  if (head.attempts > 0) return head.lastAttemptMs + retryBackoffMs(config, head.attempts);
  if (head.closed || q.batches.length > 1) return head.createdMs;
  return head.createdMs + config.lingerMs;
}

/** Take the head batch off the queue to send it: no record may join it from now on. */
export function takeHead(v: ProducerVolatile, q: PartitionQueue): ProducerBatch {
  const batch = q.batches.shift()!;
  batch.closed = true;
  v.queuedRecords -= batch.records.length;
  return batch;
}

/**
 * Put a batch that failed with a retriable error back at the front of its queue. Kafka's
 * RecordAccumulator.reenqueue / insertInSequenceOrder (reference §6): with idempotence the queue must
 * stay in sequence order, so the batch goes after any queued batch with a lower sequence; without
 * idempotence it simply goes first (which is how a non-idempotent producer with several requests
 * in flight can reorder records on retry).
 */
export function reenqueue(
  v: ProducerVolatile,
  q: PartitionQueue,
  batch: ProducerBatch,
  idempotent: boolean,
): void {
  v.queuedRecords += batch.records.length;
  if (!idempotent) {
    q.batches.unshift(batch);
    return;
  }
  let i = 0;
  for (let front = q.batches[0]; front !== undefined && comesBefore(front, batch); front = q.batches[++i]);
  q.batches.splice(i, 0, batch);
}

function comesBefore(queued: ProducerBatch, batch: ProducerBatch): boolean {
  if (batch.baseSequence >= 0) return queued.baseSequence >= 0 && queued.baseSequence < batch.baseSequence;
  // Sequences were dropped when the producer id was reset: creation order is the same order.
  return queued.attempts > 0 && queued.id < batch.id;
}

/**
 * Remove and return the head batches that have spent delivery.timeout.ms since creation (Kafka's
 * RecordAccumulator.expiredBatches looks at the head of each queue only).
 */
export function expireHeads(
  v: ProducerVolatile,
  q: PartitionQueue,
  nowMs: number,
  deliveryTimeoutMs: number,
): ProducerBatch[] {
  const expired: ProducerBatch[] = [];
  for (
    let head = q.batches[0];
    head !== undefined && nowMs - head.createdMs >= deliveryTimeoutMs;
    head = q.batches[0]
  ) {
    expired.push(takeHead(v, q));
  }
  return expired;
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Integer.MAX_VALUE. */
export function incrementSequence(sequence: number, increment: number): number {
  const max = 2147483647;
  return sequence > max - increment ? increment - (max - sequence) - 1 : sequence + increment;
}

/**
 * Give an idempotent batch its producer id and sequence at its first drain (Kafka assigns them in
 * RecordAccumulator.drain, not at creation), and advance the partition's next sequence past it.
 */
export function assignSequence(
  q: PartitionQueue,
  batch: ProducerBatch,
  producerId: number,
  producerEpoch: number,
): void {
  batch.producerId = producerId;
  batch.producerEpoch = producerEpoch;
  batch.baseSequence = q.nextSequence;
  batch.wire = null;
  q.nextSequence = incrementSequence(q.nextSequence, batch.records.length);
}

/** The wire form of a batch; built once and shared by every attempt (batches are immutable once sent). */
export function wireBatch(batch: ProducerBatch, transactional: boolean): RecordBatch {
  batch.wire ??= {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: transactional,
    isControl: false,
    records: batch.records,
    sizeBytes: batch.sizeBytes,
  };
  return batch.wire;
}

/** Sequence of the earliest batch of this partition still in flight, or -1 (Kafka's firstInFlightSequence). */
export function firstInFlightSequence(q: PartitionQueue): number {
  let first = -1;
  for (const b of q.inFlight)
    if (b.baseSequence >= 0 && (first < 0 || b.baseSequence < first)) first = b.baseSequence;
  return first;
}

/** The wait before the next attempt of a batch already sent `attempts` times (KIP-580). */
export function retryBackoffMs(config: ProducerConfig, attempts: number): number {
  const doubled = config.retryBackoffMs * 2 ** Math.min(30, attempts - 1);
  return Math.min(config.retryBackoffMaxMs, doubled);
}
