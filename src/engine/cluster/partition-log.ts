/**
 * A replica's partition log: the engine's in-memory LogStore (DESIGN §2, "storage is a port").
 * All of it is durable: it survives a broker crash. Every mutation goes through the functions
 * here (append, truncate), so a persistent store can mirror them.
 *
 * The log holds immutable record batches; offsets are implied by each batch's baseOffset, so an
 * append is O(1) per batch whatever its size. It also keeps the leader-epoch cache
 * (leader-epoch-checkpoint, reference §4.6), the checkpointed high watermark, and the idempotent
 * producer state (reference §6): the last 5 batches of each producer id.
 */
import { lastOffsetOf, recordOffset, type AbortedTransaction, type RecordBatch } from '../protocol/produce';
import type { LogRecord } from '../types';

export const PRODUCER_BATCHES_RETAINED = 5;

export interface ProducerBatchMeta {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

export interface ProducerStateEntry {
  epoch: number;
  batches: ProducerBatchMeta[];
}

/** A segment: the unit of retention (reference §8.2). Its batches are those from baseOffset on. */
export interface SegmentInfo {
  baseOffset: number;
  sizeBytes: number;
  /** Timestamp of its first record (for segment.ms). */
  firstTimestamp: number;
  /** Largest record timestamp (for retention.ms). */
  maxTimestamp: number;
}

export interface SegmentSettings {
  segmentBytes: number;
  segmentMs: number;
}

export const DEFAULT_SEGMENTS: SegmentSettings = { segmentBytes: 1073741824, segmentMs: 604800000 };

export interface PartitionLog {
  topic: string;
  partition: number;
  /** Topic-level segment.bytes / segment.ms (topic configs do not change after creation here). */
  settings: SegmentSettings;
  /** Ascending; the last one is the active segment. Never empty. */
  segments: SegmentInfo[];
  batches: RecordBatch[];
  logStartOffset: number;
  logEndOffset: number;
  /** (epoch, startOffset), ascending: the leader epoch cache. */
  epochs: { epoch: number; startOffset: number }[];
  /** The replica's last known high watermark (Kafka checkpoints it to disk). */
  highWatermark: number;
  producers: Record<number, ProducerStateEntry>;
  /** Transactions with records here and no marker yet: producer id -> first offset (reference §7.4). */
  ongoingTxns?: Record<number, number>;
  /** Decided transactions whose marker may not be below the HW yet (they still hold the LSO back). */
  decidedTxns?: { producerId: number; firstOffset: number; markerOffset: number }[];
  /** The aborted-transactions index (.txnindex): first offset to marker offset, ascending. */
  abortedTxns?: { producerId: number; firstOffset: number; lastOffset: number }[];
  /** Compaction: offsets below this have been cleaned; when the latest tombstones may go. */
  cleanedUpTo?: number;
  /** Tombstones first cleaned at or before this offset may be removed after this time (deleteHorizonMs). */
  tombstoneHorizons?: { upTo: number; deleteAfterMs: number }[];
}

export function createLog(
  topic: string,
  partition: number,
  settings: SegmentSettings = DEFAULT_SEGMENTS,
): PartitionLog {
  return {
    topic,
    partition,
    settings,
    segments: [emptySegment(0)],
    batches: [],
    logStartOffset: 0,
    logEndOffset: 0,
    epochs: [],
    highWatermark: 0,
    producers: {},
  };
}

export const tpKey = (topic: string, partition: number) => `${topic}-${partition}`;

export function latestEpoch(log: PartitionLog): number {
  return log.epochs.at(-1)?.epoch ?? -1;
}

/** Record that `epoch` starts at the current log end (a new leader's first act). */
export function assignEpoch(log: PartitionLog, epoch: number): void {
  const last = log.epochs.at(-1);
  if (last && last.epoch >= epoch) return;
  if (last && last.startOffset === log.logEndOffset) log.epochs.pop(); // an epoch that wrote nothing
  log.epochs.push({ epoch, startOffset: log.logEndOffset });
}

/** LeaderEpochFileCache.endOffsetFor (reference §4.6). */
export function endOffsetForEpoch(
  log: PartitionLog,
  requested: number,
): { epoch: number; endOffset: number } {
  const epochs = log.epochs;
  if (epochs.length === 0 || requested < 0) return { epoch: -1, endOffset: -1 };
  const latest = epochs[epochs.length - 1]!;
  if (requested >= latest.epoch) return { epoch: latest.epoch, endOffset: log.logEndOffset };
  const firstAfter = epochs.findIndex((e) => e.epoch > requested);
  if (firstAfter === 0) return { epoch: requested, endOffset: epochs[0]!.startOffset };
  return { epoch: epochs[firstAfter - 1]!.epoch, endOffset: epochs[firstAfter]!.startOffset };
}

// ----- idempotent producer state -----

export type SequenceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'error'; error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH'; message: string };

const INT_MAX = 2147483647;

/** Validate a client batch against the producer state (ProducerAppendInfo, reference §6). */
export function checkSequence(log: PartitionLog, batch: RecordBatch): SequenceCheck {
  if (batch.producerId < 0) return { kind: 'ok' };
  const entry = log.producers[batch.producerId];
  if (!entry) return { kind: 'ok' }; // no state (new or expired): any sequence is accepted
  const firstSeq = batch.baseSequence;
  const lastSeq = (firstSeq + (lastOffsetOf(batch) - batch.baseOffset)) % (INT_MAX + 1);
  if (batch.producerEpoch < entry.epoch) {
    return {
      kind: 'error',
      error: 'INVALID_PRODUCER_EPOCH',
      message: `Epoch ${batch.producerEpoch} is older than the current epoch ${entry.epoch} of producer ${batch.producerId}.`,
    };
  }
  if (batch.producerEpoch === entry.epoch) {
    const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup)
      return {
        kind: 'duplicate',
        baseOffset: dup.baseOffset,
        lastOffset: dup.baseOffset + (dup.lastSeq - dup.firstSeq),
      };
    const last = entry.batches.at(-1)?.lastSeq ?? -1;
    const inSequence = firstSeq === last + 1 || (firstSeq === 0 && last === INT_MAX);
    if (!inSequence) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `Out of order sequence number for producer ${batch.producerId}: ${firstSeq} (incoming seq. number), ${last} (current end sequence number)`,
      };
    }
    return { kind: 'ok' };
  }
  if (firstSeq !== 0) {
    return {
      kind: 'error',
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      message: `Invalid sequence number for new epoch ${batch.producerEpoch} of producer ${batch.producerId}: ${firstSeq} (must be 0)`,
    };
  }
  return { kind: 'ok' };
}

function updateProducerState(log: PartitionLog, batch: RecordBatch): void {
  if (batch.producerId < 0) return;
  if (batch.isControl) return applyMarker(log, batch);
  if (batch.isTransactional) {
    const ongoing = (log.ongoingTxns ??= {});
    if (ongoing[batch.producerId] === undefined) ongoing[batch.producerId] = batch.baseOffset;
  }
  let entry = log.producers[batch.producerId];
  if (!entry || entry.epoch !== batch.producerEpoch) {
    entry = { epoch: batch.producerEpoch, batches: [] };
    log.producers[batch.producerId] = entry;
  }
  const firstSeq = batch.baseSequence;
  entry.batches.push({
    firstSeq,
    lastSeq: firstSeq + (lastOffsetOf(batch) - batch.baseOffset),
    baseOffset: batch.baseOffset,
  });
  if (entry.batches.length > PRODUCER_BATCHES_RETAINED) entry.batches.shift();
}

function rebuildProducerState(log: PartitionLog): void {
  log.producers = {};
  log.ongoingTxns = {};
  log.decidedTxns = [];
  log.abortedTxns = [];
  for (const b of log.batches) updateProducerState(log, b);
}

// ----- transactions: markers, the last stable offset, the aborted index (reference §7.4) -----

/**
 * A COMMIT or ABORT marker ends the producer's transaction on this partition. The marker also
 * carries the (possibly bumped) producer epoch: an older epoch is fenced from then on.
 */
function applyMarker(log: PartitionLog, marker: RecordBatch): void {
  const pid = marker.producerId;
  const entry = log.producers[pid];
  if (!entry || entry.epoch < marker.producerEpoch) {
    log.producers[pid] = { epoch: marker.producerEpoch, batches: [] };
  }
  const first = log.ongoingTxns?.[pid];
  if (first === undefined) return; // a retried marker, or a transaction that wrote nothing here
  delete log.ongoingTxns![pid];
  const markerOffset = marker.baseOffset;
  // Transactions whose marker is below the HW are stable: no need to remember them.
  const decided = (log.decidedTxns ?? []).filter((d) => d.markerOffset >= log.highWatermark);
  decided.push({ producerId: pid, firstOffset: first, markerOffset });
  log.decidedTxns = decided;
  if (marker.controlType === 'ABORT') {
    (log.abortedTxns ??= []).push({ producerId: pid, firstOffset: first, lastOffset: markerOffset });
  }
}

/**
 * UnifiedLog.lastStableOffset: min(first unstable offset, HW). A transaction is unstable while it is
 * open, and after its marker until the marker is below the HW.
 */
export function lastStableOffset(log: PartitionLog): number {
  let lso = log.highWatermark;
  const ongoing = log.ongoingTxns;
  if (ongoing) for (const pid in ongoing) lso = Math.min(lso, ongoing[pid]!);
  for (const d of log.decidedTxns ?? []) {
    if (d.markerOffset >= log.highWatermark) lso = Math.min(lso, d.firstOffset);
  }
  return Math.max(lso, log.logStartOffset);
}

/** Aborted transactions that overlap [from, upTo): what a read_committed fetch returns with its data. */
export function abortedTransactionsIn(log: PartitionLog, from: number, upTo: number): AbortedTransaction[] {
  const out: AbortedTransaction[] = [];
  for (const a of log.abortedTxns ?? []) {
    if (a.firstOffset < upTo && a.lastOffset >= from)
      out.push({ producerId: a.producerId, firstOffset: a.firstOffset });
  }
  return out;
}

/** A transaction marker as the partition leader writes it (WriteTxnMarkers). */
export function markerBatch(
  producerId: number,
  producerEpoch: number,
  result: 'COMMIT' | 'ABORT',
  timestamp: number,
): RecordBatch {
  return {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId,
    producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    controlType: result,
    records: [{ key: null, value: null, timestamp }],
    sizeBytes: 61 + 12,
  };
}

// ----- append, truncate, read -----

/** Leader append: stamp offsets and the leader epoch on a copy of the client's batch. */
export function appendAsLeader(log: PartitionLog, batch: RecordBatch, leaderEpoch: number): RecordBatch {
  const stamped: RecordBatch = { ...batch, baseOffset: log.logEndOffset, partitionLeaderEpoch: leaderEpoch };
  pushBatch(log, stamped);
  return stamped;
}

/** Follower append: batches arrive already stamped by the leader. */
export function appendAsFollower(log: PartitionLog, batch: RecordBatch): boolean {
  // Compaction may have removed whole batches on the leader: offsets only have to go up.
  if (batch.baseOffset < log.logEndOffset) return false;
  if (batch.partitionLeaderEpoch > latestEpoch(log)) {
    log.epochs.push({ epoch: batch.partitionLeaderEpoch, startOffset: batch.baseOffset });
  }
  pushBatch(log, batch);
  return true;
}

function emptySegment(baseOffset: number): SegmentInfo {
  return { baseOffset, sizeBytes: 0, firstTimestamp: -1, maxTimestamp: -1 };
}

/**
 * Records are stamped from the monotonic virtual clock in append order, so a batch's largest
 * timestamp is its last record's: no per-record scan on the append path of every replica.
 */
function maxTimestampOf(batch: RecordBatch): number {
  return batch.records[batch.records.length - 1]?.timestamp ?? -1;
}

/** LogSegment.shouldRoll: by size, or by the time span of the segment (reference §8.2). */
function maybeRoll(log: PartitionLog, batch: RecordBatch, maxTs: number): SegmentInfo {
  const active = log.segments[log.segments.length - 1]!;
  const bySize = active.sizeBytes > log.settings.segmentBytes - batch.sizeBytes;
  const byTime = active.sizeBytes > 0 && maxTs - active.firstTimestamp > log.settings.segmentMs;
  if (active.sizeBytes === 0 || (!bySize && !byTime)) return active;
  const next = emptySegment(batch.baseOffset);
  log.segments.push(next);
  return next;
}

function pushBatch(log: PartitionLog, batch: RecordBatch): void {
  const maxTs = maxTimestampOf(batch);
  const segment = maybeRoll(log, batch, maxTs);
  if (segment.sizeBytes === 0) segment.firstTimestamp = batch.records[0]?.timestamp ?? maxTs;
  segment.sizeBytes += batch.sizeBytes;
  segment.maxTimestamp = Math.max(segment.maxTimestamp, maxTs);
  log.batches.push(batch);
  log.logEndOffset = lastOffsetOf(batch) + 1;
  updateProducerState(log, batch);
}

/** Remove everything at and above `offset`. Returns how many records were removed. */
export function truncateTo(log: PartitionLog, offset: number): number {
  if (offset >= log.logEndOffset) {
    // No record goes, but an epoch this broker opened as leader without writing anything may sit
    // at the log end; a follower must drop it too, or it keeps asking the new leader about an
    // epoch the leader never had and never converges (UnifiedLog.truncateTo, KIP-279).
    while (log.epochs.length > 0 && log.epochs[log.epochs.length - 1]!.startOffset >= offset)
      log.epochs.pop();
    return 0;
  }
  const removed = log.logEndOffset - offset;
  while (log.batches.length > 0 && log.batches[log.batches.length - 1]!.baseOffset >= offset)
    log.batches.pop();
  const last = log.batches.at(-1);
  if (last && lastOffsetOf(last) >= offset) {
    // Truncation inside a batch: keep its head (a new object; batches are immutable).
    const keep = last.records.filter((_, i) => recordOffset(last, i) < offset).length;
    const head: RecordBatch = { ...last, records: last.records.slice(0, keep) };
    if (last.offsetDeltas) head.offsetDeltas = last.offsetDeltas.slice(0, keep);
    head.lastOffsetDelta = offset - 1 - last.baseOffset;
    log.batches[log.batches.length - 1] = head;
  }
  log.logEndOffset = Math.max(offset, log.logStartOffset);
  rebuildSegmentsAfterTruncation(log);
  while (log.epochs.length > 0 && log.epochs[log.epochs.length - 1]!.startOffset >= log.logEndOffset)
    log.epochs.pop();
  if (log.highWatermark > log.logEndOffset) log.highWatermark = log.logEndOffset;
  rebuildProducerState(log);
  return removed;
}

function rebuildSegmentsAfterTruncation(log: PartitionLog): void {
  while (log.segments.length > 1 && log.segments[log.segments.length - 1]!.baseOffset >= log.logEndOffset)
    log.segments.pop();
  const last = log.segments[log.segments.length - 1]!;
  const inLast = log.batches.filter((b) => b.baseOffset >= last.baseOffset);
  last.sizeBytes = inLast.reduce((n, b) => n + b.sizeBytes, 0);
  last.maxTimestamp = inLast.reduce((m, b) => Math.max(m, maxTimestampOf(b)), -1);
  last.firstTimestamp = inLast[0]?.records[0]?.timestamp ?? -1;
}

/**
 * Delete whole segments below `newStart` (retention), moving the log start offset. Batches and
 * epoch-cache entries before it go too (the epoch that covers the new start stays).
 */
export function deleteSegmentsBefore(log: PartitionLog, newStart: number): number {
  if (newStart <= log.logStartOffset) return 0;
  let removed = 0;
  while (log.segments.length > 0 && (log.segments[1]?.baseOffset ?? log.logEndOffset) <= newStart) {
    log.segments.shift();
    removed++;
  }
  if (log.segments.length === 0 || log.segments[0]!.baseOffset > newStart)
    log.segments.unshift(emptySegment(newStart));
  log.segments[0]!.baseOffset = newStart;
  while (log.batches.length > 0 && lastOffsetOf(log.batches[0]!) < newStart) log.batches.shift();
  log.logStartOffset = newStart;
  if (log.abortedTxns) log.abortedTxns = log.abortedTxns.filter((a) => a.lastOffset >= newStart);
  while (log.epochs.length > 1 && log.epochs[1]!.startOffset <= newStart) log.epochs.shift();
  if (log.highWatermark < newStart) log.highWatermark = newStart;
  return removed;
}

/** Empty the log and start it at `offset` (a follower behind the leader's retention). */
export function truncateFullyAndStartAt(log: PartitionLog, offset: number): void {
  log.batches = [];
  log.segments = [emptySegment(offset)];
  log.logStartOffset = offset;
  log.logEndOffset = offset;
  log.highWatermark = offset;
  log.epochs = [];
  log.producers = {};
  log.ongoingTxns = {};
  log.decidedTxns = [];
  log.abortedTxns = [];
}

/**
 * Index of the first batch that ends at or after `offset` (binary search), or -1 if none: the batch
 * holding it, or after a gap left by compaction the next one.
 */
function batchIndex(log: PartitionLog, offset: number): number {
  let lo = 0;
  let hi = log.batches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lastOffsetOf(log.batches[mid]!) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < log.batches.length ? lo : -1;
}

/**
 * Whole batches from the one holding `from` until `upTo` (exclusive), up to about `maxBytes`; the
 * first batch is always returned (fetch size limits are soft, reference §9).
 */
export function readBatches(log: PartitionLog, from: number, upTo: number, maxBytes: number): RecordBatch[] {
  if (from >= upTo) return [];
  const out: RecordBatch[] = [];
  let bytes = 0;
  for (let i = batchIndex(log, from); i >= 0 && i < log.batches.length; i++) {
    const b = log.batches[i]!;
    if (b.baseOffset >= upTo) break;
    if (lastOffsetOf(b) >= upTo) break; // never hand out part of a batch past the limit
    if (out.length > 0 && bytes + b.sizeBytes > maxBytes) break;
    out.push(b);
    bytes += b.sizeBytes;
  }
  return out;
}

/** The records as LogRecords (for readLog and inspectors). */
export function toLogRecords(log: PartitionLog): LogRecord[] {
  const out: LogRecord[] = [];
  for (const b of log.batches) {
    b.records.forEach((r, i) => {
      const rec: LogRecord = {
        offset: recordOffset(b, i),
        key: r.key,
        value: r.value,
        timestamp: r.timestamp,
        leaderEpoch: b.partitionLeaderEpoch,
      };
      if (r.headers) rec.headers = { ...r.headers };
      if (b.producerId >= 0) {
        rec.producerId = b.producerId;
        rec.producerEpoch = b.producerEpoch;
        rec.sequence = b.baseSequence + i;
      }
      if (b.isTransactional) rec.isTransactional = true;
      if (b.controlType) rec.control = b.controlType;
      out.push(rec);
    });
  }
  return out;
}
