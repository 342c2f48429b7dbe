/**
 * Idle partitions cross the worker boundary once (issue 21 §6). A batch carries the whole cluster
 * snapshot; with 1000 partitions that is ~0.6 MB to clone in the worker and to rebuild on the
 * page's main thread for every batch, although a frame changes a handful of partitions. The worker
 * shell (engine.worker.ts) sends, per topic, only the partitions that differ from the ones it sent
 * last; the page's client (engine-client.ts) puts the ones it already holds back in place before
 * anything reads the batch. The page then also gets the same partition objects as before for
 * idle partitions, so its views skip them by reference (src/ui/cluster/keep-same.ts).
 *
 * One encoder talks to one decoder over an ordered channel (a worker and its page): every batch the
 * encoder sends, the decoder receives, in order, so "the last one sent" is the same on both sides.
 * A snapshot sent in full (the first, or a new topic list) needs no earlier one.
 */
import type { ClusterSnapshot, PartitionSnapshot, TopicSnapshot } from '../engine';

/** Deep equality of plain JSON-like data (objects, arrays, primitives), as snapshots are. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A topic on the wire: partitions that changed in full, idle ones as the index they keep. */
interface WireTopic extends Omit<TopicSnapshot, 'partitions'> {
  partitions: (PartitionSnapshot | number)[];
}

/** Marks a snapshot whose partitions refer to the previous one (absent: a full snapshot). */
export const DELTA_MARK = 'partitionDelta';

type WireSnapshot = Omit<ClusterSnapshot, 'topics'> & { topics: WireTopic[]; [DELTA_MARK]?: true };

export class SnapshotEncoder {
  private last: ClusterSnapshot | undefined;

  /** What to send for `next`: the snapshot itself, or one whose idle partitions refer to the last sent. */
  encode(next: ClusterSnapshot): ClusterSnapshot {
    const before = this.last;
    this.last = next;
    if (!before) return next;
    const previous = new Map(before.topics.map((t) => [t.topicId, t]));
    let kept = 0;
    const topics: WireTopic[] = next.topics.map((t) => {
      const old = previous.get(t.topicId);
      if (!old) return t;
      return {
        ...t,
        partitions: t.partitions.map((p, i) => {
          const o = old.partitions[i];
          if (o && sameData(o, p)) {
            kept++;
            return i;
          }
          return p;
        }),
      };
    });
    if (kept === 0) return next;
    const wire: WireSnapshot = { ...next, topics, [DELTA_MARK]: true };
    return wire as unknown as ClusterSnapshot;
  }
}

export class SnapshotDecoder {
  private last: ClusterSnapshot | undefined;

  /** The full snapshot for what arrived; idle partitions are the very objects of the last one. */
  decode(arrived: ClusterSnapshot): ClusterSnapshot {
    const wire = arrived as unknown as WireSnapshot;
    if (!wire[DELTA_MARK]) {
      this.last = arrived;
      return arrived;
    }
    const before = this.last;
    if (!before) throw new Error('A partial snapshot arrived before any full one.');
    const previous = new Map(before.topics.map((t) => [t.topicId, t]));
    const topics: TopicSnapshot[] = wire.topics.map((t) => {
      const old = previous.get(t.topicId);
      return {
        ...t,
        partitions: t.partitions.map((p) => {
          if (typeof p !== 'number') return p;
          const kept = old?.partitions[p];
          if (!kept) throw new Error(`A partial snapshot refers to ${t.name}-${p}, which was never sent.`);
          return kept;
        }),
      };
    });
    const { [DELTA_MARK]: _mark, ...rest } = wire;
    const full: ClusterSnapshot = { ...rest, topics };
    this.last = full;
    return full;
  }
}
