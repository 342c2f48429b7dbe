/**
 * The write-behind mirror of the simulation's replica logs into a LogStore. The engine changes its
 * logs in memory; after the simulation moves, `sync` compares each broker's logs with what it has
 * handed to the store and issues only the difference: new batches past the mirrored end, a
 * truncation where they diverge, the checkpoint when the high watermark or epochs moved, removal of
 * a deleted topic's logs.
 *
 * The comparison is by identity and cheap: batches are immutable and a log changes at its tail
 * (append, truncate, replace the last batch by its head), so the mirrored copy and the
 * live log share a prefix that ends where the last shared batch is (scanning back from the end
 * only as far as a truncation reached). Two batches that are the same object at the same index
 * carry the same offsets and epoch, and Kafka's log matching property (a leader epoch's batch at an
 * offset fixes everything before it) makes everything before them equal too. The one exception is
 * the log cleaner (cleanup.policy=compact), which rewrites batches below the active segment: when a
 * log's `cleanedUpTo` moves, the comparison starts from the front and the store is rewritten from
 * the first batch that changed.
 *
 * While the simulation runs, new batches are handed over only once a log has a segment's worth
 * (`final: false`), so segments are written once, full, instead of being rewritten as they grow;
 * the rest follows when the session comes to rest (`final: true`). Truncations, retention and
 * checkpoints go out at once either way.
 */
import {
  lastOffsetOf,
  type LogId,
  type LogStore,
  type PartitionLog,
  type RecordBatch,
  type ReplicaLog,
} from '../engine';
import { SEGMENT_RECORDS } from './segment-store';

interface MirroredLog {
  /** The live batches the store holds, as the same objects. */
  batches: RecordBatch[];
  startOffset: number;
  /** The store's log end (it can sit past the batches after a start-over). */
  endOffset: number;
  checkpoint: string;
  /** The log's cleanedUpTo when last mirrored: a change means batches were rewritten in place. */
  cleanedUpTo: number;
}

export class LogMirror {
  private readonly mirrored = new Map<LogId, MirroredLog>();
  /** Records handed to the store so far (appends only). */
  recordsWritten = 0;

  private constructor(private readonly store: LogStore) {}

  /** A mirror for a store that may already hold logs (a reload): keep what matches, fix the rest. */
  static async attach(store: LogStore, logs: readonly ReplicaLog[]): Promise<LogMirror> {
    const mirror = new LogMirror(store);
    const live = new Map(logs.map((l) => [l.id, l.log]));
    const fixes: Promise<void>[] = [];
    for (const id of await store.logs()) {
      const stored = await store.read(id, 0, Number.POSITIVE_INFINITY);
      const bounds = await store.bounds(id);
      const checkpoint = await store.loadCheckpoint(id);
      const log = live.get(id);
      const end = bounds?.endOffset ?? 0;
      const m: MirroredLog = {
        batches: [],
        startOffset: bounds?.startOffset ?? 0,
        endOffset: end,
        checkpoint: '',
        cleanedUpTo: log?.cleanedUpTo ?? 0,
      };
      mirror.mirrored.set(id, m);
      if (!log) continue; // not in the simulation any more: the first sync removes it
      // Batches the replay has already deleted by retention are the first sync's business.
      const from = stored.findIndex((b) => lastOffsetOf(b) >= log.logStartOffset);
      const kept = from < 0 ? [] : stored.slice(from);
      let k = 0;
      while (k < kept.length && k < log.batches.length && sameBatch(kept[k]!, log.batches[k]!)) k++;
      for (let i = 0; i < k; i++) m.batches.push(log.batches[i]!);
      const keptEnd =
        k > 0
          ? lastOffsetOf(m.batches[k - 1]!) + 1
          : Math.min(end, Math.max(m.startOffset, log.logStartOffset));
      if (keptEnd < end) {
        fixes.push(store.truncate(id, keptEnd));
        m.endOffset = Math.max(keptEnd, m.startOffset);
      }
      if (checkpoint) m.checkpoint = fingerprint(checkpoint.highWatermark, checkpoint.epochs);
    }
    await Promise.all(fixes);
    return mirror;
  }

  /** A mirror for an empty store (a new session). */
  static fresh(store: LogStore): LogMirror {
    return new LogMirror(store);
  }

  /**
   * Issue the writes that bring the store up to `state`; resolves when they have committed.
   * `final: false` (the simulation is still running) holds back new batches until a log has a
   * segment's worth of them.
   */
  sync(logs: readonly ReplicaLog[], options: { final: boolean } = { final: true }): Promise<void> {
    const ops: Promise<void>[] = [];
    const seen = new Set<LogId>();
    for (const { id, log } of logs) {
      seen.add(id);
      let m = this.mirrored.get(id);
      if (!m) {
        m = { batches: [], startOffset: 0, endOffset: 0, checkpoint: '', cleanedUpTo: 0 };
        this.mirrored.set(id, m);
      }
      this.syncLog(id, log, m, ops, options.final);
    }
    for (const id of [...this.mirrored.keys()]) {
      if (seen.has(id)) continue;
      ops.push(this.store.remove(id));
      this.mirrored.delete(id);
    }
    return Promise.all(ops).then(() => {});
  }

  private syncLog(id: LogId, log: PartitionLog, m: MirroredLog, ops: Promise<void>[], final: boolean): void {
    const start = log.logStartOffset;
    if (
      start > m.endOffset ||
      (start !== m.startOffset && log.batches.length === 0 && log.logEndOffset === start)
    ) {
      // The replica started over past what the store holds (it fell behind the leader's retention).
      ops.push(this.store.truncateFullyAndStartAt(id, start));
      // The store reset its checkpoint too: the live one goes out again below.
      Object.assign(m, { batches: [], startOffset: start, endOffset: start, checkpoint: '' });
    } else if (start > m.startOffset) {
      ops.push(this.store.deleteBefore(id, start)); // retention deleted old segments
      m.startOffset = start;
      const drop = m.batches.findIndex((b) => lastOffsetOf(b) >= start);
      m.batches.splice(0, drop < 0 ? m.batches.length : drop);
    }
    const live = log.batches;
    const cleaned = log.cleanedUpTo ?? 0;
    const k = cleaned !== m.cleanedUpTo ? unchangedPrefix(m.batches, live) : sharedPrefix(m.batches, live);
    m.cleanedUpTo = cleaned;
    if (k < m.batches.length || (k === 0 && m.endOffset > (live[0]?.baseOffset ?? log.logEndOffset))) {
      const cut = m.batches[k]?.baseOffset ?? live[0]?.baseOffset ?? log.logEndOffset;
      ops.push(this.store.truncate(id, cut));
      m.batches.length = k;
      m.endOffset = Math.max(cut, m.startOffset);
      // A truncation lowers the store's high watermark and epochs to the cut (as the engine's
      // truncateTo does): what it holds is no longer the fingerprint, so the checkpoint goes out
      // again below even when the live one did not change (a Back that re-appends the same tail).
      m.checkpoint = '';
    }
    if (live.length > k && (final || log.logEndOffset - m.endOffset >= SEGMENT_RECORDS)) {
      const added = live.slice(k);
      ops.push(this.store.append(id, added));
      for (const b of added) {
        m.batches.push(b);
        this.recordsWritten += b.records.length;
      }
      m.endOffset = lastOffsetOf(added.at(-1)!) + 1;
    }
    const checkpoint = fingerprint(log.highWatermark, log.epochs);
    if (checkpoint !== m.checkpoint) {
      ops.push(this.store.checkpoint(id, { highWatermark: log.highWatermark, epochs: log.epochs }));
      m.checkpoint = checkpoint;
    }
  }
}

/** Length of the common prefix of two logs that only ever change at the tail. */
export function sharedPrefix(a: readonly RecordBatch[], b: readonly RecordBatch[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0 || a[n - 1] === b[n - 1]) return n;
  let i = n - 1;
  while (i >= 0 && a[i] !== b[i]) i--;
  return i + 1;
}

/** After the cleaner ran: how many batches at the front are still the very same objects. */
function unchangedPrefix(a: readonly RecordBatch[], b: readonly RecordBatch[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** The epoch cache changes only at its end, so its length and last entry identify it. */
function fingerprint(
  highWatermark: number,
  epochs: readonly { epoch: number; startOffset: number }[],
): string {
  const last = epochs.at(-1);
  return `${highWatermark}|${epochs.length}|${last ? `${last.epoch}@${last.startOffset}` : ''}`;
}

/**
 * A stored batch (a structured copy from IndexedDB) against a live one: same place, epoch,
 * producer and size, and the same last record. After a replay these come from the same
 * deterministic run, so this is a check against a different engine version, not against chance.
 */
function sameBatch(stored: RecordBatch, live: RecordBatch): boolean {
  const a = stored.records.at(-1);
  const b = live.records.at(-1);
  return (
    stored.baseOffset === live.baseOffset &&
    stored.records.length === live.records.length &&
    stored.partitionLeaderEpoch === live.partitionLeaderEpoch &&
    stored.producerId === live.producerId &&
    stored.baseSequence === live.baseSequence &&
    stored.sizeBytes === live.sizeBytes &&
    a?.key === b?.key &&
    a?.value === b?.value &&
    a?.timestamp === b?.timestamp
  );
}
