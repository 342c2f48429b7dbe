/**
 * The data of incremental fetch sessions (KIP-227) a leader keeps in its broker state: plain types,
 * apart from fetch-session.ts's logic so the broker state can name them without importing it.
 */
import type { ErrorCode } from '../errors';
import type { FetchPartitionRequest } from '../protocol/produce';

/** What the leader remembers of one partition in a session (CachedPartition). */
export interface CachedPartition extends FetchPartitionRequest {
  /** The high watermark last sent (-1 after an error, so the partition is sent again). */
  highWatermark: number;
  /** The log start offset last sent. */
  logStartOffset: number;
}

export interface FetchSession {
  id: number;
  /** Created by a follower: privileged in eviction. */
  privileged: boolean;
  /** The epoch the next incremental fetch must carry. */
  epoch: number;
  createdMs: number;
  lastUsedMs: number;
  /** By `topic-partition`, in the order they were added. */
  partitions: Record<string, CachedPartition>;
}

export interface FetchSessionCache {
  sessions: Record<number, FetchSession>;
}

/** How a fetch is answered (FetchContext). */
export type FetchContext =
  | { kind: 'sessionless' }
  | { kind: 'full' }
  | { kind: 'incremental'; sessionId: number; requestEpoch: number }
  | {
      kind: 'error';
      error: Extract<ErrorCode, 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH'>;
    };
