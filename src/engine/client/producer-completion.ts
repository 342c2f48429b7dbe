/**
 * How the producer settles a batch once its fate is known (Kafka's Sender.completeBatch): acknowledge
 * each record, put the batch back for a retry, or fail each record with Kafka's error name.
 * Reference §4.4 (acks, retriable errors) and §6 (idempotence).
 */
import type { ErrorCode } from '../errors';
import type { NodeContext } from '../kernel/kernel';
import { reenqueue, takeHead } from './accumulator';
import { splitAndReenqueue } from './producer-split';
import { setState, type PartitionQueue, type ProducerBatch, type ProducerNode } from './producer-state';

/** Errors after which a batch may be sent again (Kafka's RetriableException subclasses). */
const RETRIABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  'REQUEST_TIMED_OUT',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
]);

/** Kafka's InvalidMetadataException family: the producer's idea of the leader is stale. */
const STALE_METADATA: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
]);

/** Kafka's own descriptions (Errors.java), used when the broker sends no message of its own. */
const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  NOT_LEADER_OR_FOLLOWER: 'This server is not the leader for that topic-partition.',
  LEADER_NOT_AVAILABLE:
    'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  NOT_ENOUGH_REPLICAS: 'Messages are rejected since there are fewer in-sync replicas than required.',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    'Messages are written to the log, but to fewer in-sync replicas than required.',
  REQUEST_TIMED_OUT: 'The request timed out.',
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'The broker received an out of order sequence number.',
  INVALID_PRODUCER_EPOCH: 'Producer attempted to produce with an old epoch.',
  PRODUCER_FENCED: 'There is a newer producer with the same transactionalId which fences the current one.',
  INVALID_REQUIRED_ACKS: 'Produce request specified an invalid value for required acks.',
  MESSAGE_TOO_LARGE:
    'The request included a message larger than the max message size the server will accept.',
};

/** Settle a batch from its partition's answer (error null: written at baseOffset). */
export function completeBatch(
  ctx: NodeContext,
  self: ProducerNode,
  q: PartitionQueue,
  batch: ProducerBatch,
  error: ErrorCode | null,
  errorMessage: string | undefined,
  baseOffset: number,
): void {
  // DUPLICATE_SEQUENCE_NUMBER means the broker already has this batch: it is written.
  if (error === null || error === 'DUPLICATE_SEQUENCE_NUMBER')
    return succeedBatch(ctx, self, batch, baseOffset);
  const v = self.volatile;
  const config = self.durable.config;
  const nowMs = ctx.now();
  if (v.txn && (error === 'INVALID_PRODUCER_EPOCH' || error === 'PRODUCER_FENCED')) {
    // A newer instance with the same transactional.id bumped the epoch (reference §7.3).
    failBatch(ctx, self, batch, error, DESCRIPTIONS[error] ?? `The broker answered ${error}.`);
    return fenceProducer(ctx, self, error);
  }
  if (error === 'MESSAGE_TOO_LARGE' && batch.records.length > 1) {
    ctx.emit('producer.retryScheduled', {
      producer: self.durable.name,
      topic: batch.topic,
      partition: batch.partition,
      error,
      attempt: batch.attempts + 1,
    });
    return splitAndReenqueue(v, q, batch);
  }
  if (STALE_METADATA.has(error)) v.metadataNeeded = true;
  const message = errorMessage ?? DESCRIPTIONS[error] ?? `The broker answered ${error}.`;
  // Kafka's Sender.canRetry; for an idempotent producer an out-of-order sequence is retried too,
  // because an earlier batch that failed and is being retried will close the gap.
  const retriable = RETRIABLE.has(error) || (config.idempotent && error === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  const elapsedMs = nowMs - batch.createdMs;
  const expired = elapsedMs >= config.deliveryTimeoutMs;
  const retriesLeft = batch.attempts - 1 < config.retries;
  if (!retriable || expired || !retriesLeft) {
    const why = !retriable
      ? ''
      : expired
        ? ` Not retried: ${elapsedMs} ms has passed since batch creation (delivery.timeout.ms=${config.deliveryTimeoutMs}).`
        : ` Not retried: retries=${config.retries} exhausted after ${batch.attempts} attempt(s).`;
    return failBatch(ctx, self, batch, error, message + why);
  }
  ctx.emit('producer.retryScheduled', {
    producer: self.durable.name,
    topic: batch.topic,
    partition: batch.partition,
    error,
    attempt: batch.attempts + 1,
  });
  if (config.idempotent && batch.producerId !== v.producerId) {
    // Sent under a producer id that has since been replaced: it gets a new sequence when it goes again.
    batch.producerId = -1;
    batch.producerEpoch = -1;
    batch.baseSequence = -1;
    batch.wire = null;
  }
  batch.lastAttemptMs = nowMs;
  reenqueue(v, q, batch, config.idempotent);
}

export function succeedBatch(
  ctx: NodeContext,
  self: ProducerNode,
  batch: ProducerBatch,
  baseOffset: number,
): void {
  const { sends } = batch;
  for (let i = 0; i < sends.length; i += 2) {
    ctx.emit('producer.acked', {
      commandId: sends[i + 1]!,
      producer: self.durable.name,
      topic: batch.topic,
      partition: batch.partition,
      offset: baseOffset < 0 ? -1 : baseOffset + sends[i]!,
    });
  }
  self.volatile.acked += batch.records.length;
}

export function failBatch(
  ctx: NodeContext,
  self: ProducerNode,
  batch: ProducerBatch,
  error: ErrorCode,
  message: string,
): void {
  const v = self.volatile;
  const { sends } = batch;
  for (let i = 1; i < sends.length; i += 2) {
    ctx.emit('producer.failed', {
      commandId: sends[i]!,
      producer: self.durable.name,
      topic: batch.topic,
      partition: batch.partition,
      error,
      message,
    });
  }
  v.failed += batch.records.length;
  if (v.txn) {
    // A transactional producer keeps its id: the transaction can only be aborted now.
    if (error !== 'TRANSACTION_ABORTED' && error !== 'PRODUCER_FENCED') transactionBatchFailed(self, error);
    return;
  }
  if (self.durable.config.idempotent && batch.baseSequence >= 0 && batch.producerId === v.producerId) {
    resetProducerId(self);
  }
}

/** Fail a record that never made it into a batch (its topic or partition never showed up). */
export function failBatchlessRecord(
  ctx: NodeContext,
  self: ProducerNode,
  topic: string,
  partition: number,
  commandId: number,
  error: ErrorCode,
  message: string,
): void {
  self.volatile.failed++;
  if (commandId > 0) {
    ctx.emit('producer.failed', { commandId, producer: self.durable.name, topic, partition, error, message });
  }
}

/**
 * A batch with a sequence failed for good, so the partition's sequence has a gap the broker will
 * never see filled. Kafka bumps the producer epoch and resets sequences (KIP-360); InitProducerId
 * here carries no current id, so the producer asks for a new id and every partition starts again at
 * sequence 0. Queued batches lose their sequences and get new ones when they are drained.
 */
function resetProducerId(self: ProducerNode): void {
  const v = self.volatile;
  v.producerId = -1;
  v.producerEpoch = -1;
  for (const meta of Object.values(v.topics)) {
    for (const q of meta.queues) {
      q.nextSequence = 0;
      for (const b of q.batches) {
        b.producerId = -1;
        b.producerEpoch = -1;
        b.baseSequence = -1;
        b.wire = null;
      }
    }
  }
}

// ----- failing a transaction's batches -----

/** Fail every batch still in the accumulator (an aborted transaction, or a fenced producer). */
export function failQueued(ctx: NodeContext, self: ProducerNode, error: ErrorCode, message: string): void {
  for (const meta of Object.values(self.volatile.topics))
    for (const q of meta.queues)
      while (q.batches.length > 0) failBatch(ctx, self, takeHead(self.volatile, q), error, message);
}

/** A newer instance with the same transactional.id exists: this one stops for good. */
export function fenceProducer(ctx: NodeContext, self: ProducerNode, error: ErrorCode): void {
  const txn = self.volatile.txn;
  if (!txn || txn.state === 'FENCED') return;
  setState(txn, 'FENCED');
  ctx.emit('producer.fenced', {
    producer: self.durable.name,
    transactionalId: self.durable.config.transactionalId!,
    producerEpoch: self.volatile.producerEpoch,
    error,
  });
  failQueued(
    ctx,
    self,
    'PRODUCER_FENCED',
    'There is a newer producer with the same transactionalId which fences the current one.',
  );
}

/** A batch of the transaction failed for good: the transaction can only be aborted now. */
export function transactionBatchFailed(self: ProducerNode, error: ErrorCode): void {
  const txn = self.volatile.txn;
  if (!txn || txn.state === 'FENCED' || txn.state === 'ABORTING_TRANSACTION') return;
  txn.abortReason = `a batch failed with ${error}`;
  if (txn.state === 'IN_TRANSACTION') setState(txn, 'ABORTABLE_ERROR');
}
