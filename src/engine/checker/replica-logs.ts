/**
 * What every replica of a partition holds, offset by offset, rebuilt from the trace alone: the
 * leader's appends take their records from the Produce request delivered just before them, a
 * follower's from the Fetch response it was handed, and truncations cut them back. Each record
 * counts its holders, so the checker knows the moment the last copy of an acknowledged record goes.
 */
import type { RecordBatch } from '../protocol/produce';

export type TxnStatus = 'none' | 'open' | 'committed' | 'aborted';

/** One record as written by a leader. Copies on followers are the same object. */
export interface Entry {
  offset: number;
  /** Producer name (from the Produce request's sender), null for records of unknown origin. */
  producer: string | null;
  key: string | null;
  value: string | null;
  timestamp: number;
  /** Index within its producer batch: with timestamp and producer, a send's identity. */
  index: number;
  producerId: number;
  control: 'COMMIT' | 'ABORT' | null;
  txn: TxnStatus;
  broker: number;
  leaderEpoch: number;
  appendSeq: number;
  appendAtMs: number;
  /** Replicas whose log holds this record at its offset. */
  holders: number;
  ack: { commandId: number; seq: number; atMs: number } | null;
  /** Consumers that received this record while its transaction was open (seq of each poll). */
  openReaders?: { consumer: string; seq: number; atMs: number }[];
  /**
   * A Streams application's output written twice under exactly_once_v2 while a transaction of the
   * pair was still open: the other copy, judged when the transaction is decided (app-checks.ts).
   */
  twin?: Entry | undefined;
  /** Set once the record is gone from the partition (overwritten, or no replica holds it). */
  lost: { seq: number; atMs: number; broker: number; how: 'overwritten' | 'truncated' } | null;
}

export interface TpLogs {
  topic: string;
  partition: number;
  /** broker id → its log, offset-indexed. */
  replicas: Map<number, (Entry | undefined)[]>;
  /** The record the most recent leader append put at each offset. */
  written: (Entry | undefined)[];
  /** Highest high watermark any leader announced. */
  maxHighWatermark: number;
  leader: number;
  leaderEpoch: number;
  /** Recent leadership changes (newest last): who led from when. */
  leaderChanges: { seq: number; atMs: number; leader: number; reason: string }[];
  /** Seq of the last unclean election, or -1. */
  uncleanSeq: number;
  /** producerId → records of its open transaction on this partition. */
  openTxns: Map<number, Entry[]>;
  /** producer|timestamp|index → the latest record written with that identity (duplicates). */
  byIdentity: Map<string, Entry>;
  /** Compaction ran: consumers legitimately skip the offsets it removed. */
  compacted: boolean;
  /** Records of known producers that are gone (for the offset grid's ✕). */
  lostEntries: Entry[];
  /** Producers that wrote here (the offset grid's rows). */
  producers: Set<string>;
}

/** A record appended at `offset` by `broker` (what it holds is filled in by the caller). */
export function newEntry(
  e: { seq: number; atMs: number },
  broker: number,
  offset: number,
  epoch: number,
): Entry {
  return {
    offset,
    producer: null,
    key: null,
    value: null,
    timestamp: -1,
    index: 0,
    producerId: -1,
    control: null,
    txn: 'none',
    broker,
    leaderEpoch: epoch,
    appendSeq: e.seq,
    appendAtMs: e.atMs,
    holders: 0,
    ack: null,
    lost: null,
  };
}

export function newTpLogs(topic: string, partition: number): TpLogs {
  return {
    topic,
    partition,
    replicas: new Map(),
    written: [],
    maxHighWatermark: 0,
    leader: -1,
    leaderEpoch: -1,
    leaderChanges: [],
    uncleanSeq: -1,
    openTxns: new Map(),
    byIdentity: new Map(),
    compacted: false,
    lostEntries: [],
    producers: new Set(),
  };
}

function replica(tp: TpLogs, broker: number): (Entry | undefined)[] {
  let log = tp.replicas.get(broker);
  if (!log) tp.replicas.set(broker, (log = []));
  return log;
}

/** Put `entry` at its offset in a replica's log; whatever that log held from there on is cut. */
function place(log: (Entry | undefined)[], entry: Entry, removed: Entry[]): void {
  cut(log, entry.offset, removed);
  log.length = entry.offset;
  log[entry.offset] = entry;
  entry.holders++;
}

function cut(log: (Entry | undefined)[], from: number, removed: Entry[]): void {
  for (let o = from; o < log.length; o++) {
    const e = log[o];
    if (e) {
      e.holders--;
      removed.push(e);
    }
  }
  if (from < log.length) log.length = from;
}

export interface AppendResult {
  /** Records an append replaced in the partition's written history (a new leader overwrote them). */
  overwritten: Entry[];
  /** Records that lost a copy (they may still be held elsewhere). */
  removed: Entry[];
}

/** A leader appended `entries` (consecutive offsets). */
export function leaderAppend(tp: TpLogs, broker: number, entries: Entry[]): AppendResult {
  const log = replica(tp, broker);
  const removed: Entry[] = [];
  const overwritten: Entry[] = [];
  for (const e of entries) {
    place(log, e, removed);
    const before = tp.written[e.offset];
    if (before && before !== e) overwritten.push(before);
    tp.written[e.offset] = e;
  }
  return { overwritten, removed };
}

/** A follower copied records from `leader`'s log (matched by content: the same records). */
export function followerAppend(
  tp: TpLogs,
  broker: number,
  leader: number,
  copied: { offset: number; key: string | null; value: string | null; timestamp: number }[],
  make: (offset: number) => Entry,
): Entry[] {
  const log = replica(tp, broker);
  const source = tp.replicas.get(leader);
  const removed: Entry[] = [];
  for (const c of copied) {
    const s = source?.[c.offset];
    const same = s && s.key === c.key && s.value === c.value && s.timestamp === c.timestamp;
    place(log, same ? s : make(c.offset), removed);
  }
  return removed;
}

/** A replica cut its log back to `toOffset`. */
export function truncate(tp: TpLogs, broker: number, toOffset: number): Entry[] {
  const removed: Entry[] = [];
  cut(replica(tp, broker), toOffset, removed);
  return removed;
}

/** The records of `batch` with their offsets (compacted batches have gaps). */
export function batchRecords(
  batch: RecordBatch,
): { offset: number; key: string | null; value: string | null; timestamp: number; index: number }[] {
  return batch.records.map((r, i) => ({
    offset: batch.baseOffset + (batch.offsetDeltas ? batch.offsetDeltas[i]! : i),
    key: r.key,
    value: r.value,
    timestamp: r.timestamp,
    index: i,
  }));
}

/** Who led the partition when `seq` happened (the latest change at or before it). */
export function leaderChangeBefore(tp: TpLogs, seq: number, leader?: number) {
  for (let i = tp.leaderChanges.length - 1; i >= 0; i--) {
    const c = tp.leaderChanges[i]!;
    if (c.seq <= seq && (leader === undefined || c.leader === leader)) return c;
  }
  return null;
}
