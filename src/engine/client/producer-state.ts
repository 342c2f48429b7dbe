/**
 * A producer client's state, as plain data in its node record. The config is durable: it is the
 * program, and it survives a crash. Everything else (metadata cache, producer id, sequences,
 * batches, requests in flight) is volatile: a crashed producer loses the records it had not yet
 * sent, silently, exactly as a dead process does.
 */
import type { NodeContext, NodeRecord } from '../kernel/kernel';
import type { BatchRecord, ProduceResponse, RecordBatch } from '../protocol/produce';
import type { NodeId } from '../types';
import type { ProducerConfig } from './producer-config';
import { newStickyPartitionerState, type StickyPartitionerState } from './sticky-partitioner';
import type { GroupMetadata, ProducerTransactionState, TopicPartition } from '../types';

/** Kafka's TransactionManager, as plain data (reference §7.3). */
export interface TxnClient {
  state: ProducerTransactionState;
  /** begin was called before initialization finished: the transaction opens once it has. */
  beginPending: boolean;
  /** The transaction coordinator's node, once found. */
  coordinator: NodeId | null;
  /** Partitions (topic-partition keys) the coordinator has added to the current transaction. */
  added: Record<string, true>;
  /** Something (a partition or offsets) was added: EndTxn is needed to finish. */
  started: boolean;
  /** The one coordinator request in flight (Kafka sends them one at a time, in order). */
  request: { msgId: number; kind: string; timer: number; partitions?: string[] } | null;
  notBeforeMs: number;
  /** sendOffsetsToTransaction calls not done yet, oldest first. */
  offsets: {
    groupId: string;
    offsets: (TopicPartition & { offset: number })[];
    metadata: GroupMetadata;
    stage: 'add' | 'commit';
    groupCoordinator: NodeId | null;
  }[];
  /** commitTransaction / abortTransaction was called. */
  end: 'COMMIT' | 'ABORT' | null;
  abortReason: string;
}

export const producerNodeId = (name: string): NodeId => `producer:${name}`;

export interface ProducerDurable {
  name: string;
  config: ProducerConfig;
  /** Broker nodes to ask for metadata before the producer has any (Kafka's bootstrap.servers). */
  bootstrap: NodeId[];
}

/** A batch being filled, waiting, in flight or waiting to be retried (Kafka's ProducerBatch). */
export interface ProducerBatch {
  id: number;
  topic: string;
  partition: number;
  records: BatchRecord[];
  /** Batch header plus every record: what Kafka counts against batch.size. */
  sizeBytes: number;
  /** Flattened [recordIndex, commandId] pairs for the records that came from producer.send. */
  sends: number[];
  createdMs: number;
  /** Time of the last send (creation before the first): the retry backoff counts from here. */
  lastAttemptMs: number;
  attempts: number;
  /** No record may join: it is full, a newer batch follows it, or it has been sent. */
  closed: boolean;
  /** -1 without idempotence, or until the first drain assigns it (reference §6). */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** The wire form, built on the first send and never changed after: a retry resends it. */
  wire: RecordBatch | null;
}

export interface PartitionQueue {
  topic: string;
  partition: number;
  /** Batches waiting to be sent, oldest first; a retried batch goes back to the front. */
  batches: ProducerBatch[];
  /** Batches sent and not answered yet, in the order they were sent. */
  inFlight: ProducerBatch[];
  /** The sequence the next new batch gets (idempotence: each partition counts its own records). */
  nextSequence: number;
}

/** A record that arrived before its topic's partition count was known (Kafka blocks in send()). */
export interface PendingRecord {
  record: BatchRecord;
  /** Explicit partition, or -1 to let the partitioner choose. */
  partition: number;
  commandId: number;
  /** When send() started waiting (max.block.ms counts from here; the record's timestamp may be older). */
  sinceMs?: number;
}

export interface TopicMeta {
  name: string;
  /** -1 until a Metadata response has described the topic. */
  numPartitions: number;
  /** Per partition: the leader's broker id, or -1 when there is none or it is unknown. */
  leaders: number[];
  leaderEpochs: number[];
  queues: PartitionQueue[];
  pending: PendingRecord[];
}

export interface OutstandingRequest {
  msgId: number;
  /** Broker node asked. */
  node: NodeId;
  timer: number;
}

export interface InFlightProduce extends OutstandingRequest {
  broker: number;
  batches: { topic: string; partition: number; batchId: number }[];
}

export interface ProducerVolatile {
  topics: Record<string, TopicMeta>;
  /** Where records without a key go, per topic (reference §1.4). */
  sticky: StickyPartitionerState;
  /** Broker id → node, from the last Metadata response. */
  brokers: Record<number, NodeId>;
  /** Which candidate broker to ask next for Metadata or a producer id; moves on when one does not answer. */
  brokerCursor: number;
  metadataNeeded: boolean;
  /** Metadata is not asked for again before this time (retry.backoff.ms after a failed attempt). */
  metadataNotBeforeMs: number;
  /** When the last Metadata answer came (metadata.max.age.ms counts from it; -1: none yet). */
  metadataAnsweredMs: number;
  metadataRequest: OutstandingRequest | null;
  /** -1 until InitProducerId answers (idempotence only). */
  producerId: number;
  producerEpoch: number;
  initRequest: OutstandingRequest | null;
  initNotBeforeMs: number;
  /** Produce requests in flight, by message id. */
  requests: Record<number, InFlightProduce>;
  inFlightByBroker: Record<number, number>;
  /**
   * Answers that arrived before the answer to an older request on the same connection: TCP hands
   * them over in order, so they wait (by message id) until every older one is in or the
   * connection is reset (NetworkClient's in-order responses).
   */
  heldResponses: Record<number, ProduceResponse>;
  /** When the sender is next due to run, and its timer (null: not scheduled). */
  wakeAtMs: number;
  wakeTimer: number | null;
  nextBatchId: number;
  /** The transaction manager, for a producer with transactional.id (else null). */
  txn: TxnClient | null;
  // Counters for the snapshot, in records (batches for inFlightBatches).
  queuedRecords: number;
  inFlightBatches: number;
  acked: number;
  failed: number;
}

export type ProducerNode = NodeRecord<ProducerDurable, ProducerVolatile> & { volatile: ProducerVolatile };

export function initialVolatile(brokerCursor: number): ProducerVolatile {
  return {
    topics: {},
    sticky: newStickyPartitionerState(),
    brokers: {},
    brokerCursor,
    metadataNeeded: false,
    metadataNotBeforeMs: 0,
    metadataAnsweredMs: -1,
    metadataRequest: null,
    producerId: -1,
    producerEpoch: -1,
    initRequest: null,
    initNotBeforeMs: 0,
    requests: {},
    inFlightByBroker: {},
    heldResponses: {},
    wakeAtMs: 0,
    wakeTimer: null,
    nextBatchId: 1,
    txn: null,
    queuedRecords: 0,
    inFlightBatches: 0,
    acked: 0,
    failed: 0,
  };
}

/**
 * Make sure the sender runs at `atMs` or earlier. One timer at a time: an earlier need replaces a
 * later timer, a later need is covered by the earlier one (the sender reschedules itself).
 */
export function wakeAt(ctx: NodeContext, v: ProducerVolatile, atMs: number): void {
  if (v.wakeTimer !== null) {
    if (v.wakeAtMs <= atMs) return;
    ctx.cancelTimer(v.wakeTimer);
  }
  v.wakeAtMs = atMs;
  v.wakeTimer = ctx.setTimer('send', atMs - ctx.now());
}

/** A transactional producer's state (TransactionManager.State). */
export function setState(txn: TxnClient, state: ProducerTransactionState): void {
  txn.state = state;
}
