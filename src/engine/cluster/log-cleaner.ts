/**
 * Log compaction (`cleanup.policy=compact`, LogCleaner / LogCleanerManager, reference §8.4). Each
 * replica cleans its own log, as each Kafka broker runs its own cleaner:
 * - only `[firstDirty, firstUncleanable)` is cleaned, where firstUncleanable is the smallest of the
 *   LSO (so open transactions and anything at or above the HW stay), the active segment's base
 *   offset, and the first segment younger than `min.compaction.lag.ms`;
 * - a log is cleaned when its dirty ratio is above `min.cleanable.dirty.ratio`;
 * - the latest record per key (built from the dirty section) survives; offsets are kept, so the
 *   log has gaps afterwards;
 * - a tombstone (null value) is removed once `delete.retention.ms` has passed since it was first
 *   cleaned (deleteHorizonMs); records of aborted transactions are dropped; transaction markers stay.
 */
import { brokerSetting, topicSetting } from '../config';
import type { NodeContext } from '../kernel/kernel';
import { lastOffsetOf, recordOffset, type RecordBatch } from '../protocol/produce';
import type { BrokerNode } from './broker-state';
import { lastStableOffset, type PartitionLog } from './partition-log';

export interface CleanerSettings {
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  minCleanableRatio: number;
}

export interface CleanResult {
  /** Records removed. */
  removed: number;
  /** Tombstones removed (included in removed). */
  tombstonesRemoved: number;
  /** Offsets below this are clean now. */
  cleanedUpTo: number;
}

/** The first offset the cleaner may not touch. */
export function firstUncleanableOffset(log: PartitionLog, nowMs: number, minCompactionLagMs: number): number {
  let limit = Math.min(lastStableOffset(log), log.segments[log.segments.length - 1]!.baseOffset);
  if (minCompactionLagMs > 0) {
    const young = log.segments.find(
      (s) => s.maxTimestamp >= 0 && nowMs - s.maxTimestamp < minCompactionLagMs,
    );
    if (young) limit = Math.min(limit, young.baseOffset);
  }
  return limit;
}

function isAborted(log: PartitionLog, b: RecordBatch): boolean {
  if (!b.isTransactional || b.isControl) return false;
  return (log.abortedTxns ?? []).some(
    (a) => a.producerId === b.producerId && a.firstOffset <= b.baseOffset && b.baseOffset <= a.lastOffset,
  );
}

/** Clean one log in place if it is dirty enough; returns what was done, or null. Pure but for `log`. */
export function cleanLog(log: PartitionLog, nowMs: number, s: CleanerSettings): CleanResult | null {
  const firstDirty = Math.max(log.cleanedUpTo ?? log.logStartOffset, log.logStartOffset);
  const uncleanable = firstUncleanableOffset(log, nowMs, s.minCompactionLagMs);
  if (uncleanable <= firstDirty) return null;
  // Only whole batches below the limit are cleaned.
  const cleanable = log.batches.filter((b) => lastOffsetOf(b) < uncleanable);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (const b of cleanable) {
    if (b.baseOffset >= firstDirty) dirtyBytes += b.sizeBytes;
    else cleanBytes += b.sizeBytes;
  }
  if (dirtyBytes === 0 || dirtyBytes / (cleanBytes + dirtyBytes) <= s.minCleanableRatio) return null;
  const upTo = lastOffsetOf(cleanable[cleanable.length - 1]!) + 1;

  // The offset map: the latest offset of each key in the dirty section (aborted records excluded).
  const latest = new Map<string, number>();
  for (const b of cleanable) {
    if (b.baseOffset < firstDirty || b.isControl || isAborted(log, b)) continue;
    b.records.forEach((r, i) => {
      if (r.key !== null) latest.set(r.key, recordOffset(b, i));
    });
  }
  // Tombstones in the dirty section get their delete horizon now; older ones may have passed theirs.
  const horizons = (log.tombstoneHorizons ??= []);
  const horizonOf = (offset: number) => horizons.find((h) => offset < h.upTo)?.deleteAfterMs ?? Infinity;

  let removed = 0;
  let tombstonesRemoved = 0;
  const out: RecordBatch[] = [];
  for (const b of log.batches) {
    if (lastOffsetOf(b) >= upTo || b.isControl) {
      out.push(b);
      continue;
    }
    const aborted = isAborted(log, b);
    const keep: number[] = [];
    b.records.forEach((r, i) => {
      const offset = recordOffset(b, i);
      const newest = r.key === null ? undefined : latest.get(r.key);
      let kept = !aborted && (newest === undefined || offset >= newest);
      if (kept && r.value === null && nowMs >= horizonOf(offset)) {
        kept = false;
        tombstonesRemoved++;
      }
      if (kept) keep.push(i);
      else removed++;
    });
    if (keep.length === b.records.length) {
      out.push(b);
      continue;
    }
    if (keep.length === 0) continue; // the whole batch is gone: a gap in the offsets
    const records = keep.map((i) => b.records[i]!);
    out.push({
      ...b,
      records,
      offsetDeltas: keep.map((i) => recordOffset(b, i) - b.baseOffset),
      lastOffsetDelta: lastOffsetOf(b) - b.baseOffset,
      sizeBytes: Math.round((b.sizeBytes * records.length) / b.records.length),
    });
  }
  horizons.push({ upTo, deleteAfterMs: nowMs + s.deleteRetentionMs });
  log.batches = out;
  log.cleanedUpTo = upTo;
  resizeSegments(log);
  return { removed, tombstonesRemoved, cleanedUpTo: upTo };
}

/** Segment sizes after cleaning; emptied segments between the first and the active one go. */
function resizeSegments(log: PartitionLog): void {
  const segs = log.segments;
  let bi = 0;
  for (let si = 0; si < segs.length; si++) {
    const end = segs[si + 1]?.baseOffset ?? Infinity;
    let size = 0;
    while (bi < log.batches.length && log.batches[bi]!.baseOffset < end) size += log.batches[bi++]!.sizeBytes;
    segs[si]!.sizeBytes = size;
  }
  log.segments = segs.filter((seg, i) => i === 0 || i === segs.length - 1 || seg.sizeBytes > 0);
}

/** The broker's cleaner pass over every compacted log it holds. */
export function runLogCleaner(ctx: NodeContext, self: BrokerNode): void {
  if (!brokerSetting(ctx.config, 'log.cleaner.enable')) return;
  for (const log of Object.values(self.durable.logs)) {
    const config = self.volatile.image.topics[log.topic]?.config ?? {};
    if (!topicSetting(ctx.config, config, 'cleanup.policy').split(',').includes('compact')) continue;
    const r = cleanLog(log, ctx.now(), {
      deleteRetentionMs: topicSetting(ctx.config, config, 'delete.retention.ms'),
      minCompactionLagMs: topicSetting(ctx.config, config, 'min.compaction.lag.ms'),
      minCleanableRatio: Number(topicSetting(ctx.config, config, 'min.cleanable.dirty.ratio')),
    });
    if (!r) continue;
    ctx.emit('log.compacted', {
      broker: self.durable.brokerId,
      topic: log.topic,
      partition: log.partition,
      removed: r.removed,
      tombstonesRemoved: r.tombstonesRemoved,
      cleanedUpTo: r.cleanedUpTo,
    });
  }
}
