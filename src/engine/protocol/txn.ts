/**
 * Wire shapes of transactions (KIP-98, reference §7): the coordinator requests a transactional
 * producer sends (AddPartitionsToTxn, AddOffsetsToTxn, EndTxn), the group's TxnOffsetCommit, and
 * the WriteTxnMarkers a transaction coordinator sends to partition leaders. Plus the consumer's
 * read_committed filter (CompletedFetch.nextFetchedRecord), kept here because it is pure protocol.
 */
import type { ErrorCode } from '../errors';
import type { TopicPartition } from '../types';
import { lastOffsetOf, type AbortedTransaction, type RecordBatch } from './produce';

export type TxnResult = 'COMMIT' | 'ABORT';

/** TransactionMetadata states (reference §7.2). */
export type TxnState =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort'
  | 'PrepareEpochFence'
  | 'Dead';

export interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  partitions: TopicPartition[];
}

export interface AddPartitionsToTxnResponse {
  error: ErrorCode | null;
}

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  error: ErrorCode | null;
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** The consumer's group metadata (KIP-447): -1 and '' when the caller gave none. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: (TopicPartition & { offset: number })[];
}

export interface TxnOffsetCommitResponse {
  error: ErrorCode | null;
}

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** true: commit; false: abort (EndTxnRequest.committed). */
  committed: boolean;
}

export interface EndTxnResponse {
  error: ErrorCode | null;
}

export interface WriteTxnMarkersRequest {
  producerId: number;
  producerEpoch: number;
  /** The coordinator's epoch (its __transaction_state partition's leader epoch). */
  coordinatorEpoch: number;
  result: TxnResult;
  partitions: TopicPartition[];
}

export interface WriteTxnMarkersResponse {
  producerId: number;
  partitions: (TopicPartition & { error: ErrorCode | null })[];
}

/**
 * Which batches of a read_committed fetch the consumer drops (CompletedFetch, reference §7.4): a
 * producer's transactional batches from an aborted transaction's first offset until its ABORT
 * marker. Control batches are always dropped by the caller. Returns null when nothing is aborted.
 */
export function abortedBatches(
  batches: readonly RecordBatch[],
  aborted: readonly AbortedTransaction[] | undefined,
): Set<RecordBatch> | null {
  if (!aborted || aborted.length === 0) return null;
  const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  const skip = new Set<RecordBatch>();
  let next = 0;
  for (const b of batches) {
    const last = lastOffsetOf(b);
    while (next < pending.length && pending[next]!.firstOffset <= last) {
      abortedProducers.add(pending[next]!.producerId);
      next++;
    }
    if (b.isControl) {
      if (b.controlType === 'ABORT') abortedProducers.delete(b.producerId);
      continue;
    }
    if (b.isTransactional && abortedProducers.has(b.producerId)) skip.add(b);
  }
  return skip;
}
