/**
 * The IndexedDB LogStore: one session's replica logs as chunked segments. A segment is one stored
 * value holding up to SEGMENT_RECORDS records (whole batches, never split), so a log of 100 000
 * records is ~100 values, not 100 000: measured here, chunking is 40–400× faster than a put per
 * record. The newest segment of each log stays cached while it has room; appends extend it
 * (rewriting that one value) until it is full, then a new one starts.
 *
 * It implements the engine's LogStore contract (src/engine/testing/log-store-contract.ts runs
 * against it), and every write goes through the session's WriteQueue, so writes are pipelined and
 * commit in order with the command log. On open it checks what a torn write could have left —
 * segments must follow each other without a gap — and drops anything past the first hole.
 */
import { lastOffsetOf, type RecordBatch } from '../engine';
import { checkAppend, type LogBounds, type LogCheckpoint, type LogId, type LogStore } from '../engine';
import { segmentRange, sessionRange, type Db, type LogMetaRecord, type SegmentRecord } from './db';
import type { WriteQueue } from './write-queue';

/** Writes that only put and delete: they stream without waiting for each other (write-queue.ts). */
const BLIND = { reads: false };

/** Records per segment: hundreds to thousands per stored value (DESIGN §2). */
export const SEGMENT_RECORDS = 1000;

interface LogState {
  meta: LogMetaRecord;
  /** The newest segment, while it is known (kept in memory to extend it without a read). */
  tail: SegmentRecord | undefined;
}

export class IdbLogStore implements LogStore {
  private readonly held = new Map<LogId, LogState>();

  private constructor(
    private readonly db: Db,
    private readonly queue: WriteQueue,
    private readonly sessionId: string,
  ) {}

  /** Load the session's log bounds and newest segments, repairing anything a torn write left. */
  static async open(db: Db, queue: WriteQueue, sessionId: string): Promise<IdbLogStore> {
    const store = new IdbLogStore(db, queue, sessionId);
    const tx = db.transaction(['logs', 'segments'], 'readonly');
    const [metas, segments] = await Promise.all([
      tx.objectStore('logs').getAll(sessionRange(sessionId)),
      tx.objectStore('segments').getAll(sessionRange(sessionId)),
      tx.done,
    ]);
    const byLog = new Map<string, SegmentRecord[]>();
    for (const s of segments) byLog.set(s.log, [...(byLog.get(s.log) ?? []), s]);
    for (const meta of metas) store.held.set(meta.log, { meta, tail: undefined });
    for (const [log, state] of store.held) if (!byLog.has(log)) state.meta.endOffset = state.meta.startOffset;
    for (const [log, segs] of byLog) store.adopt(log, segs);
    return store;
  }

  /** Keep the gap-free prefix of a log's segments; queue the removal of the rest. */
  private adopt(log: LogId, segments: SegmentRecord[]): void {
    const state = this.logState(log);
    let end = segments[0]?.baseOffset ?? 0;
    let good = 0;
    for (const s of segments) {
      if (s.baseOffset !== end || !wellFormed(log, s)) break;
      end = s.endOffset;
      good++;
    }
    state.meta.endOffset = end;
    state.meta.startOffset = Math.min(state.meta.startOffset, end);
    state.meta.highWatermark = Math.min(state.meta.highWatermark, end);
    const last = segments[good - 1];
    state.tail = last && last.records < SEGMENT_RECORDS ? last : undefined;
    if (good < segments.length) {
      const from = segments[good]!.baseOffset;
      const meta = { ...state.meta };
      void this.queue
        .run(async (tx) => {
          await Promise.all([
            tx.objectStore('segments').delete(segmentRange(this.sessionId, log, from)),
            tx.objectStore('logs').put(meta),
          ]);
        })
        .catch(() => {}); // a failing repair fails the queue, which the next write reports
    }
  }

  append(log: LogId, batches: readonly RecordBatch[]): Promise<void> {
    if (batches.length === 0) return Promise.resolve();
    const state = this.logState(log);
    try {
      checkAppend(log, state.meta.endOffset, batches);
    } catch (e) {
      return Promise.reject(e);
    }
    const touched: SegmentRecord[] = [];
    let tail = state.tail;
    for (const b of batches) {
      if (!tail || tail.records >= SEGMENT_RECORDS) {
        // A new segment starts at the log end, so segments stay gap-free even where a compacted
        // log skips offsets (its first batch may then start later).
        const end = tail?.endOffset ?? state.meta.endOffset;
        tail = { sessionId: this.sessionId, log, baseOffset: end, endOffset: end, records: 0, batches: [] };
      }
      tail.batches.push(b);
      tail.records += b.records.length;
      tail.endOffset = lastOffsetOf(b) + 1;
      if (touched.at(-1) !== tail) touched.push(tail);
    }
    state.tail = tail;
    state.meta.endOffset = tail!.endOffset;
    // One write per segment, each with the log's bounds up to it: a put clones its segment on the
    // spot, and the queue yields between slices of a few ms (write-queue.ts), so a big append
    // (the first save of an opened session) must come as several works. A torn write keeps a
    // prefix of them, which is a log that ends earlier. Copies of the arrays as they are now: the
    // cached tail keeps growing after this is queued.
    const writes = touched.map((s) => {
      const segment = { ...s, batches: s.batches.slice() };
      const meta = { ...copyMeta(state.meta), endOffset: s.endOffset };
      return this.queue.run(async (tx) => {
        await Promise.all([tx.objectStore('segments').put(segment), tx.objectStore('logs').put(meta)]);
      }, BLIND);
    });
    return Promise.all(writes).then(() => {});
  }

  truncate(log: LogId, offset: number): Promise<void> {
    const state = this.held.get(log);
    if (!state || offset >= state.meta.endOffset) return Promise.resolve();
    const cut = Math.max(offset, state.meta.startOffset);
    state.meta.endOffset = cut;
    // As the engine's truncateTo: the high watermark and the epoch cache never pass the end.
    state.meta.highWatermark = Math.min(state.meta.highWatermark, cut);
    state.meta.epochs = state.meta.epochs.filter((e) => e.startOffset < cut);
    const tail = state.tail;
    let head: SegmentRecord | undefined;
    if (tail && tail.baseOffset < cut) {
      tail.batches = cutBatches(tail.batches, cut);
      tail.records = countRecords(tail.batches);
      tail.endOffset = cut;
      head = { ...tail, batches: tail.batches.slice() };
    } else {
      state.tail = undefined; // the segment holding `cut` is not cached: it is read and cut below
    }
    const meta = copyMeta(state.meta);
    const id = this.sessionId;
    return this.queue.run(async (tx) => {
      const segments = tx.objectStore('segments');
      await segments.delete(segmentRange(id, log, cut));
      if (head) {
        await segments.put(head);
      } else {
        const before = IDBKeyRange.bound([id, log, -Infinity], [id, log, cut], false, true);
        const cursor = await segments.openCursor(before, 'prev');
        if (cursor && cursor.value.endOffset > cut) {
          const batches = cutBatches(cursor.value.batches, cut);
          await cursor.update({ ...cursor.value, batches, records: countRecords(batches), endOffset: cut });
        }
      }
      await tx.objectStore('logs').put(meta);
    });
  }

  deleteBefore(log: LogId, offset: number): Promise<void> {
    const state = this.held.get(log);
    if (!state || offset <= state.meta.startOffset) return Promise.resolve();
    if (offset > state.meta.endOffset) {
      return Promise.reject(
        new Error(`${log}: cannot delete before ${offset}, past the log end ${state.meta.endOffset}`),
      );
    }
    state.meta.startOffset = offset;
    if (state.tail)
      state.tail = { ...state.tail, batches: state.tail.batches.filter((b) => lastOffsetOf(b) >= offset) };
    if (state.tail) state.tail.records = countRecords(state.tail.batches);
    const meta = copyMeta(state.meta);
    const id = this.sessionId;
    return this.queue.run(async (tx) => {
      const segments = tx.objectStore('segments');
      const below = IDBKeyRange.bound([id, log, -Infinity], [id, log, offset], false, true);
      for (let c = await segments.openCursor(below); c; c = await c.continue()) {
        const kept = c.value.batches.filter((b) => lastOffsetOf(b) >= offset);
        if (kept.length === 0) await c.delete();
        else await c.update({ ...c.value, batches: kept, records: countRecords(kept) });
      }
      await tx.objectStore('logs').put(meta);
    });
  }

  truncateFullyAndStartAt(log: LogId, offset: number): Promise<void> {
    const state = this.logState(log);
    state.meta = { ...state.meta, startOffset: offset, endOffset: offset, highWatermark: offset, epochs: [] };
    state.tail = undefined;
    const meta = copyMeta(state.meta);
    const id = this.sessionId;
    return this.queue.run(async (tx) => {
      await Promise.all([
        tx.objectStore('segments').delete(segmentRange(id, log)),
        tx.objectStore('logs').put(meta),
      ]);
    }, BLIND);
  }

  checkpoint(log: LogId, checkpoint: LogCheckpoint): Promise<void> {
    const state = this.logState(log);
    state.meta.highWatermark = checkpoint.highWatermark;
    state.meta.epochs = checkpoint.epochs.map((e) => ({ ...e }));
    const meta = copyMeta(state.meta);
    return this.queue.run(async (tx) => {
      await tx.objectStore('logs').put(meta);
    }, BLIND);
  }

  async read(log: LogId, from: number, to: number): Promise<RecordBatch[]> {
    const state = this.held.get(log);
    if (!state) return [];
    await this.queue.settled(); // see every write queued before this read
    const segments = await this.db.getAll('segments', segmentRange(this.sessionId, log));
    const start = Math.max(from, state.meta.startOffset);
    const out: RecordBatch[] = [];
    for (const b of segments.flatMap((s) => s.batches)) {
      if (lastOffsetOf(b) < start) continue;
      if (lastOffsetOf(b) >= to) break;
      out.push(b);
    }
    return out;
  }

  async bounds(log: LogId): Promise<LogBounds | undefined> {
    const meta = this.held.get(log)?.meta;
    return meta && { startOffset: meta.startOffset, endOffset: meta.endOffset };
  }

  async loadCheckpoint(log: LogId): Promise<LogCheckpoint | undefined> {
    const meta = this.held.get(log)?.meta;
    return meta && { highWatermark: meta.highWatermark, epochs: meta.epochs.map((e) => ({ ...e })) };
  }

  remove(log: LogId): Promise<void> {
    if (!this.held.delete(log)) return Promise.resolve();
    const id = this.sessionId;
    return this.queue.run(async (tx) => {
      await Promise.all([
        tx.objectStore('segments').delete(segmentRange(id, log)),
        tx.objectStore('logs').delete([id, log]),
      ]);
    }, BLIND);
  }

  async logs(): Promise<LogId[]> {
    return [...this.held.keys()].sort();
  }

  private logState(log: LogId): LogState {
    let state = this.held.get(log);
    if (!state) {
      const meta = {
        sessionId: this.sessionId,
        log,
        startOffset: 0,
        endOffset: 0,
        highWatermark: 0,
        epochs: [],
      };
      state = { meta, tail: undefined };
      this.held.set(log, state);
    }
    return state;
  }
}

function copyMeta(meta: LogMetaRecord): LogMetaRecord {
  return { ...meta, epochs: meta.epochs.map((e) => ({ ...e })) };
}

function countRecords(batches: readonly RecordBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.records.length;
  return n;
}

/** The batches below `offset`, the last one cut inside if it straddles it (as truncateTo does). */
function cutBatches(batches: readonly RecordBatch[], offset: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (const b of batches) {
    if (b.baseOffset >= offset) break;
    out.push(lastOffsetOf(b) < offset ? b : { ...b, records: b.records.slice(0, offset - b.baseOffset) });
  }
  return out;
}

/** A segment whose batches follow each other and match its own header. */
function wellFormed(log: LogId, s: SegmentRecord): boolean {
  try {
    checkAppend(log, s.baseOffset, s.batches);
  } catch {
    return false;
  }
  const last = s.batches.at(-1);
  return (
    last !== undefined && lastOffsetOf(last) + 1 === s.endOffset && countRecords(s.batches) === s.records
  );
}
