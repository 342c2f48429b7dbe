/**
 * Wire shapes of the produce path: Metadata, InitProducerId, Produce, and the replica/consumer
 * Fetch between brokers and clients. Plain data; a message body is never mutated once sent (the
 * trace keeps it), and a RecordBatch is immutable once built: the leader makes a copy with its
 * offsets and epoch instead of writing into the producer's batch.
 */
import type { ErrorCode } from '../errors';

/** A record as the producer builds it; offsets come from the batch. */
export interface BatchRecord {
  key: string | null;
  value: string | null;
  /** CreateTime in virtual ms. */
  timestamp: number;
  headers?: Record<string, string>;
}

export interface RecordBatch {
  /** -1 until the leader assigns offsets. */
  baseOffset: number;
  /** -1 until the leader appends it. */
  partitionLeaderEpoch: number;
  /** -1 for a producer without idempotence. */
  producerId: number;
  producerEpoch: number;
  /** -1 for a producer without idempotence. */
  baseSequence: number;
  isTransactional: boolean;
  /** Control batches hold transaction markers. */
  isControl: boolean;
  /** The marker a control batch holds (ControlRecordType COMMIT=1 / ABORT=0). */
  controlType?: 'COMMIT' | 'ABORT';
  records: BatchRecord[];
  /**
   * Per-record offset deltas from baseOffset, only once compaction has removed records from the
   * batch (Kafka's record offsetDelta); absent means record i is at baseOffset + i.
   */
  offsetDeltas?: number[];
  /** The batch header's lastOffsetDelta, kept when compaction removes records (reference §8.4). */
  lastOffsetDelta?: number;
  /** Approximate serialized size (key + value + headers + per-record overhead). */
  sizeBytes: number;
}

export const RECORD_OVERHEAD_BYTES = 12;
export const BATCH_OVERHEAD_BYTES = 61;

export function recordSize(
  key: string | null,
  value: string | null,
  headers?: Record<string, string>,
): number {
  let size = RECORD_OVERHEAD_BYTES + (key?.length ?? 0) + (value?.length ?? 0);
  if (headers) for (const k in headers) size += k.length + (headers[k]?.length ?? 0);
  return size;
}

/**
 * A batch not yet appended (the leader assigns its offsets and epoch): non-idempotent unless a
 * producer id is given (internal writes of a transaction coordinator carry the producer's).
 */
export function newBatch(
  records: BatchRecord[],
  producer?: { producerId: number; producerEpoch: number; baseSequence?: number; transactional?: boolean },
): RecordBatch {
  return {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId: producer?.producerId ?? -1,
    producerEpoch: producer?.producerEpoch ?? -1,
    baseSequence: producer?.baseSequence ?? -1,
    isTransactional: producer?.transactional ?? false,
    isControl: false,
    records,
    sizeBytes: records.reduce((n, r) => n + recordSize(r.key, r.value, r.headers), BATCH_OVERHEAD_BYTES),
  };
}

export function lastOffsetOf(batch: RecordBatch): number {
  return batch.baseOffset + (batch.lastOffsetDelta ?? batch.records.length - 1);
}

/** Offset of the batch's i-th record (compacted batches have gaps between their records). */
export function recordOffset(batch: RecordBatch, i: number): number {
  return batch.baseOffset + (batch.offsetDeltas ? batch.offsetDeltas[i]! : i);
}

// ----- Metadata -----

export interface MetadataRequest {
  /** null: every topic. */
  topics: string[] | null;
}

export interface MetadataPartition {
  partition: number;
  error: ErrorCode | null;
  /** -1 when there is no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface MetadataResponse {
  brokers: { id: number; node: string }[];
  topics: { name: string; error: ErrorCode | null; partitions: MetadataPartition[] }[];
}

// ----- InitProducerId -----

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface InitProducerIdResponse {
  error: ErrorCode | null;
  producerId: number;
  producerEpoch: number;
}

// ----- Produce -----

/** acks as on the wire: 0, 1 or -1 (all). */
export type Acks = 0 | 1 | -1;

export interface ProduceRequest {
  acks: Acks;
  /** How long the leader may wait for acks=all replication before REQUEST_TIMED_OUT. */
  timeoutMs: number;
  transactionalId: string | null;
  /** At most one batch per partition. */
  partitions: { topic: string; partition: number; batch: RecordBatch }[];
}

export interface ProducePartitionResponse {
  topic: string;
  partition: number;
  error: ErrorCode | null;
  errorMessage?: string;
  /** Offset of the batch's first record, -1 on error. */
  baseOffset: number;
}

export interface ProduceResponse {
  partitions: ProducePartitionResponse[];
}

// ----- Fetch (replicas and consumers) -----

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** The fetcher's view of the leader epoch: stale gives FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH. */
  currentLeaderEpoch: number;
  /** Epoch of the fetcher's last batch, for divergence detection (followers only; -1 otherwise). */
  lastFetchedEpoch: number; /**
   * The most this partition may return (a consumer's max.partition.fetch.bytes). The first batch
   * comes back whole even when larger, so a big record never blocks the fetcher (KIP-74). Absent:
   * the broker's replica.fetch.max.bytes (followers).
   */
  partitionMaxBytes?: number;
}

export interface ReplicaFetchRequest {
  topic?: undefined;
  /** Broker id of a follower; -1 for a consumer. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  isolationLevel: 'read_uncommitted' | 'read_committed';
  partitions: FetchPartitionRequest[];
  /**
   * Incremental fetch sessions (KIP-227, cluster/fetch-session.ts). Absent: a sessionless fetch
   * (Fetch before v7). 0 with epoch 0: a full fetch that asks for a new session.
   */
  sessionId?: number;
  /** 0 (INITIAL): full fetch; -1 (FINAL): close the session; otherwise the session's next epoch. */
  sessionEpoch?: number;
  /** Incremental fetches: partitions the session drops (forgottenTopicsData). */
  forgottenPartitions?: { topic: string; partition: number }[];
}

export interface FetchPartitionResponse {
  topic: string;
  partition: number;
  error: ErrorCode | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  batches: RecordBatch[];
  /** read_committed only: aborted transactions overlapping the fetched range (reference §7.4). */
  abortedTransactions?: AbortedTransaction[];
  /** Set when the fetcher's log diverged from the leader's: truncate to endOffset, then refetch. */
  divergingEpoch?: { epoch: number; endOffset: number };
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface ReplicaFetchResponse {
  topic?: undefined;
  partitions: FetchPartitionResponse[];
  /** A session error (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH): no partitions then. */
  error?: ErrorCode;
  /** The fetch session this answer belongs to (0: none); absent for a sessionless request. */
  sessionId?: number;
}
