/**
 * The storage port for partition logs (DESIGN §2, "storage is a port"): the operations a store of
 * replica logs must support, whatever keeps the bytes. The engine's brokers keep their logs in
 * memory (`partition-log.ts`); `MemoryLogStore` exposes exactly those functions through this
 * interface, and the worker's IndexedDB store (src/worker/segment-store.ts) implements the same
 * interface, checked by the same contract tests (`testing/log-store-contract.ts`). That shared contract is
 * what keeps the persistent copy honest: it must answer every read the way the engine's log would.
 *
 * Offsets follow Kafka: a log holds whole, immutable record batches; `truncate` may cut inside a
 * batch (keeping its head, as a follower's truncation does); `deleteBefore` drops whole batches
 * below an offset and moves the log start, as retention and DeleteRecords do.
 *
 * Every method is asynchronous because a persistent store is; the in-memory one resolves at once.
 */
import type { RecordBatch } from '../protocol/produce';
import {
  appendAsFollower,
  createLog,
  readBatches,
  truncateFullyAndStartAt,
  truncateTo,
  type PartitionLog,
} from '../cluster/partition-log';
import { lastOffsetOf } from '../protocol/produce';

/** One replica's log: `broker-1/orders-0` (node id, then Kafka's topic-partition name). */
export type LogId = string;

export const logId = (node: string, topicPartition: string): LogId => `${node}/${topicPartition}`;

export interface LogBounds {
  /** The first offset still held (Kafka's log start offset). */
  startOffset: number;
  /** One past the last offset held (Kafka's log end offset). */
  endOffset: number;
}

/** What Kafka checkpoints next to a log: the high watermark and the leader-epoch cache. */
export interface LogCheckpoint {
  highWatermark: number;
  epochs: { epoch: number; startOffset: number }[];
}

export interface LogStore {
  /** Append stamped batches; the first must start at the log end. A new log starts at offset 0. */
  append(log: LogId, batches: readonly RecordBatch[]): Promise<void>;
  /** Remove every offset at and above `offset` (inside a batch, its head is kept). */
  truncate(log: LogId, offset: number): Promise<void>;
  /** Drop the whole batches below `offset` and make it the log start. */
  deleteBefore(log: LogId, offset: number): Promise<void>;
  /**
   * Empty the log and start it at `offset`, which may lie past its end (Kafka's
   * truncateFullyAndStartAt: a follower fallen behind the leader's retention starts over there).
   */
  truncateFullyAndStartAt(log: LogId, offset: number): Promise<void>;
  /** Save the high watermark and the epoch cache (replaced, not merged). */
  checkpoint(log: LogId, checkpoint: LogCheckpoint): Promise<void>;
  /**
   * Whole batches from the one holding `from` (or the first, if `from` is below it), stopping
   * before a batch that reaches `to` or beyond: like a fetch bounded by the high watermark, a read
   * never hands out part of a batch.
   */
  read(log: LogId, from: number, to: number): Promise<RecordBatch[]>;
  bounds(log: LogId): Promise<LogBounds | undefined>;
  loadCheckpoint(log: LogId): Promise<LogCheckpoint | undefined>;
  /** Forget a log entirely (its topic was deleted). */
  remove(log: LogId): Promise<void>;
  /** Every log held, sorted. */
  logs(): Promise<LogId[]>;
}

/** Why a store refused an operation: a caller bug (a gap, an offset out of range). */
export class LogStoreError extends Error {
  override name = 'LogStoreError';
}

/**
 * Batches must follow the log end in order. They may leave a gap: a compacted log has lost whole
 * batches (cleanup.policy=compact), and offsets are never reused, as in Kafka.
 */
export function checkAppend(log: LogId, endOffset: number, batches: readonly RecordBatch[]): void {
  let next = endOffset;
  for (const b of batches) {
    if (b.baseOffset < next) {
      throw new LogStoreError(`${log}: batch at offset ${b.baseOffset} overlaps the log end ${next}`);
    }
    if (b.records.length === 0) throw new LogStoreError(`${log}: empty batch at offset ${b.baseOffset}`);
    next = lastOffsetOf(b) + 1;
  }
}

/** The engine's own in-memory partition logs behind the LogStore interface. */
export class MemoryLogStore implements LogStore {
  private readonly held = new Map<LogId, PartitionLog>();

  async append(log: LogId, batches: readonly RecordBatch[]): Promise<void> {
    const target = this.held.get(log) ?? createLog(log, 0);
    checkAppend(log, target.logEndOffset, batches);
    for (const b of batches) appendAsFollower(target, b);
    this.held.set(log, target);
  }

  async truncate(log: LogId, offset: number): Promise<void> {
    const target = this.held.get(log);
    if (target) truncateTo(target, offset);
  }

  async deleteBefore(log: LogId, offset: number): Promise<void> {
    const target = this.held.get(log);
    if (!target || offset <= target.logStartOffset) return;
    if (offset > target.logEndOffset) {
      throw new LogStoreError(
        `${log}: cannot delete before ${offset}, past the log end ${target.logEndOffset}`,
      );
    }
    target.batches = target.batches.filter((b) => lastOffsetOf(b) >= offset);
    target.logStartOffset = offset;
  }

  async truncateFullyAndStartAt(log: LogId, offset: number): Promise<void> {
    const target = this.held.get(log) ?? createLog(log, 0);
    truncateFullyAndStartAt(target, offset);
    this.held.set(log, target);
  }

  async checkpoint(log: LogId, checkpoint: LogCheckpoint): Promise<void> {
    const target = this.held.get(log) ?? createLog(log, 0);
    target.highWatermark = checkpoint.highWatermark;
    target.epochs = checkpoint.epochs.map((e) => ({ ...e }));
    this.held.set(log, target);
  }

  async read(log: LogId, from: number, to: number): Promise<RecordBatch[]> {
    const target = this.held.get(log);
    if (!target) return [];
    const start = Math.max(from, target.logStartOffset, target.batches[0]?.baseOffset ?? 0);
    return readBatches(target, start, Math.min(to, target.logEndOffset), Number.POSITIVE_INFINITY);
  }

  async bounds(log: LogId): Promise<LogBounds | undefined> {
    const target = this.held.get(log);
    return target && { startOffset: target.logStartOffset, endOffset: target.logEndOffset };
  }

  async loadCheckpoint(log: LogId): Promise<LogCheckpoint | undefined> {
    const target = this.held.get(log);
    return target && { highWatermark: target.highWatermark, epochs: target.epochs.map((e) => ({ ...e })) };
  }

  async remove(log: LogId): Promise<void> {
    this.held.delete(log);
  }

  async logs(): Promise<LogId[]> {
    return [...this.held.keys()].sort();
  }
}
