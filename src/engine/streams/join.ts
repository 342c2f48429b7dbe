/**
 * Joins, following KStreamKStreamJoin / KStreamKTableJoin:
 * - stream-stream: each side's record is first looked up in the other side's window store
 *   (other.ts ∈ [ts − before, ts + after], mirrored for the right side), then stored in its own;
 *   inner results carry max(left.ts, right.ts). Left/outer joins park an unmatched record in a shared
 *   "outer" store and emit it joined with null only once stream time (shared by both sides, the
 *   maximum seen) passes ts + window + grace, checked when a record arrives at the front of stream time.
 *   Not modelled: the wall-clock throttle on emitting non-joined records (1 s by default in Kafka).
 * - stream-table: a stream record joins the table's current value for its key (processing order,
 *   not timestamps: non-versioned stores); inner drops misses, left joins them with null.
 */
import type { StreamValue } from './expr';
import type { JoinWindowSpec } from './windows';

export type JoinKind = 'inner' | 'left' | 'outer';
export type Side = 'left' | 'right';

export interface JoinInput {
  key: string | null;
  value: StreamValue;
  timestampMs: number;
}

export interface JoinResult {
  key: string;
  left: StreamValue;
  right: StreamValue;
  timestampMs: number;
}

export interface Stored {
  key: string;
  value: StreamValue;
  timestampMs: number;
}

export interface OuterEntry extends Stored {
  side: Side;
}

/** Both buffers, the outer store and the shared stream time: plain data for kernel checkpoints. */
export interface JoinState {
  streamTimeMs: number;
  minTimeMs: number;
  stores: Record<Side, Stored[]>;
  /** Unmatched records waiting for their join windows to close (left/outer joins only). */
  outer: OuterEntry[];
}

export function initialJoinState(): JoinState {
  return { streamTimeMs: -1, minTimeMs: Number.MAX_SAFE_INTEGER, stores: { left: [], right: [] }, outer: [] };
}

export class StreamStreamJoin {
  constructor(
    readonly kind: JoinKind,
    readonly windows: JoinWindowSpec,
    readonly state: JoinState = initialJoinState(),
  ) {}

  get streamTimeMs(): number {
    return this.state.streamTimeMs;
  }
  private set streamTimeMs(t: number) {
    this.state.streamTimeMs = t;
  }
  private get minTimeMs(): number {
    return this.state.minTimeMs;
  }
  private set minTimeMs(t: number) {
    this.state.minTimeMs = t;
  }
  get stores(): Record<Side, Stored[]> {
    return this.state.stores;
  }
  get outer(): OuterEntry[] {
    return this.state.outer;
  }

  /** Processes one record from `side`; returns the joiner calls made, in order. */
  process(side: Side, r: JoinInput): JoinResult[] {
    const out: JoinResult[] = [];
    this.streamTimeMs = Math.max(this.streamTimeMs, r.timestampMs);
    const outerSide = side === 'left' ? this.kind !== 'inner' : this.kind === 'outer';
    // StreamStreamJoinUtil.skipRecord: null keys and null values never join.
    if (r.key === null || r.value === null) return out;
    const [before, after] =
      side === 'left'
        ? [this.windows.beforeMs, this.windows.afterMs]
        : [this.windows.afterMs, this.windows.beforeMs];
    if (r.timestampMs === this.streamTimeMs && this.kind !== 'inner') out.push(...this.emitNonJoined(after));
    const fromMs = Math.max(0, r.timestampMs - before);
    const toMs = Math.max(0, r.timestampMs + after);
    const other = side === 'left' ? this.stores.right : this.stores.left;
    const matches = other
      .filter((o) => o.key === r.key && o.timestampMs >= fromMs && o.timestampMs <= toMs)
      .sort((a, b) => a.timestampMs - b.timestampMs);
    for (const m of matches) {
      // A match takes the other record out of the outer store: it will never be emitted with null.
      const i = this.outer.findIndex(
        (e) => e.side !== side && e.key === m.key && e.timestampMs === m.timestampMs,
      );
      if (i >= 0) this.outer.splice(i, 1);
      out.push({
        key: r.key,
        left: side === 'left' ? r.value : m.value,
        right: side === 'left' ? m.value : r.value,
        timestampMs: Math.max(r.timestampMs, m.timestampMs),
      });
    }
    if (matches.length === 0 && outerSide) {
      if (toMs < this.streamTimeMs) {
        out.push(this.nullJoined(side, { key: r.key, value: r.value, timestampMs: r.timestampMs }));
      } else {
        this.minTimeMs = Math.min(this.minTimeMs, r.timestampMs);
        this.outer.push({ side, key: r.key, value: r.value, timestampMs: r.timestampMs });
      }
    }
    // KStreamJoinWindow forwards before it stores: the record is in its own store only afterwards.
    (side === 'left' ? this.stores.left : this.stores.right).push({
      key: r.key,
      value: r.value,
      timestampMs: r.timestampMs,
    });
    this.expire();
    return out;
  }

  private nullJoined(side: Side, e: Stored): JoinResult {
    return {
      key: e.key,
      left: side === 'left' ? e.value : null,
      right: side === 'left' ? null : e.value,
      timestampMs: e.timestampMs,
    };
  }

  // `sideAfterMs`: the arriving side's look-ahead (after for left records, before for right ones).
  private emitNonJoined(sideAfterMs: number): JoinResult[] {
    const { afterMs, beforeMs, graceMs } = this.windows;
    if (this.minTimeMs + sideAfterMs + graceMs >= this.streamTimeMs) return [];
    // The outer store iterates by (timestamp, side: right before left, key).
    this.outer.sort(
      (a, b) =>
        a.timestampMs - b.timestampMs ||
        (a.side === b.side ? 0 : a.side === 'right' ? -1 : 1) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    const out: JoinResult[] = [];
    let leftOpen = false;
    let rightOpen = false;
    this.minTimeMs = Number.MAX_SAFE_INTEGER;
    const keep: OuterEntry[] = [];
    for (const e of this.outer) {
      if (leftOpen && rightOpen) {
        keep.push(e);
        continue;
      }
      this.minTimeMs = Math.min(this.minTimeMs, e.timestampMs);
      const lookBackMs = e.side === 'left' ? afterMs : beforeMs;
      if (e.timestampMs + lookBackMs + graceMs >= this.streamTimeMs) {
        if (e.side === 'left') leftOpen = true;
        else rightOpen = true;
        keep.push(e);
        continue;
      }
      out.push(this.nullJoined(e.side, e));
    }
    this.outer.splice(0, this.outer.length, ...keep);
    if (keep.length > 0) this.minTimeMs = Math.min(...keep.map((e) => e.timestampMs));
    return out;
  }

  /** Window-store retention: records older than before + after + grace behind stream time are gone. */
  private expire(): void {
    const retentionMs = this.windows.beforeMs + this.windows.afterMs + this.windows.graceMs;
    for (const s of ['left', 'right'] as const) {
      this.stores[s] = this.stores[s].filter((r) => r.timestampMs > this.streamTimeMs - retentionMs);
    }
  }
}

export class StreamTableJoin {
  /** `table`: the KTable's store; a join processor shares the store its table source writes. */
  constructor(
    readonly kind: 'inner' | 'left',
    readonly table = new Map<string, StreamValue>(),
  ) {}

  /** A table update (upsert; null is a tombstone). Table updates never trigger join output. */
  updateTable(key: string | null, value: StreamValue): void {
    if (key === null) return;
    if (value === null) this.table.delete(key);
    else this.table.set(key, value);
  }

  process(r: JoinInput): JoinResult | null {
    if (r.key === null || r.value === null) return null;
    const right = this.table.get(r.key) ?? null;
    if (right === null && this.kind === 'inner') return null;
    return { key: r.key, left: r.value, right, timestampMs: r.timestampMs };
  }
}
