/**
 * Retention (reference §8.3, UnifiedLog.deletableSegments): whole segments only, oldest first, the
 * walk stopping at the first segment that fails; a segment is deletable only once the high
 * watermark has passed it. Time: its largest timestamp is older than retention.ms. Size: while the
 * log is over retention.bytes by at least the segment's size. A non-empty active segment can go too
 * (a new empty one is rolled first); an empty active segment never does.
 */
import type { PartitionLog, SegmentInfo } from './partition-log';

export interface RetentionSettings {
  cleanupPolicy: string;
  retentionMs: number;
  retentionBytes: number;
}

export interface RetentionResult {
  newLogStartOffset: number;
  segments: number;
  reason: 'retention.ms' | 'retention.bytes';
}

function upperBound(log: PartitionLog, i: number): number {
  return log.segments[i + 1]?.baseOffset ?? log.logEndOffset;
}

/** How many oldest segments pass `deletable`, walking in order and stopping at the first that does not. */
function countDeletable(log: PartitionLog, deletable: (s: SegmentInfo, i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < log.segments.length; i++) {
    const s = log.segments[i]!;
    if (s.sizeBytes === 0) break; // an empty (active) segment is never deleted
    if (log.highWatermark < upperBound(log, i)) break;
    if (!deletable(s, i)) break;
    n++;
  }
  return n;
}

export function retentionToApply(
  log: PartitionLog,
  nowMs: number,
  cfg: RetentionSettings,
): RetentionResult | null {
  if (!cfg.cleanupPolicy.split(',').includes('delete')) return null;
  const result = (n: number, reason: RetentionResult['reason']): RetentionResult => ({
    newLogStartOffset: upperBound(log, n - 1),
    segments: n,
    reason,
  });
  if (cfg.retentionMs >= 0) {
    const n = countDeletable(log, (s) => nowMs - s.maxTimestamp > cfg.retentionMs);
    if (n > 0) return result(n, 'retention.ms');
  }
  if (cfg.retentionBytes >= 0) {
    const size = log.segments.reduce((t, s) => t + s.sizeBytes, 0);
    if (size >= cfg.retentionBytes) {
      let diff = size - cfg.retentionBytes;
      const n = countDeletable(log, (s) => {
        if (diff - s.sizeBytes < 0) return false;
        diff -= s.sizeBytes;
        return true;
      });
      if (n > 0) return result(n, 'retention.bytes');
    }
  }
  return null;
}
