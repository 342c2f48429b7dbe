/**
 * Aggregations: count, and sum/min/max/latest of an expression, grouped by key, optionally windowed.
 * Each processor keeps its own observed stream time (max record timestamp seen, starting at -1 like
 * Kafka's NO_TIMESTAMP) and applies Kafka's drop rules from windows.ts; dropped records are reported
 * with Kafka's log wording so the UI can show the same sentence Kafka logs.
 */
import { compileExpr, valueAsNumber, type ExprRecord, type StreamValue } from './expr';
import {
  mergeSessions,
  sessionExpired,
  slidingRecordExpired,
  slidingWindowsFor,
  timeWindowOpen,
  windowContains,
  windowsForRecord,
  type Session,
  type Window,
  type WindowSpec,
} from './windows';

export type AggregateKind = 'count' | 'sum' | 'min' | 'max' | 'latest';

export interface AggregateSpec {
  kind: AggregateKind;
  /** The expression aggregated (sum/min/max/latest); defaults to `value`. */
  of?: string;
}

export interface Aggregator {
  add(agg: StreamValue, r: ExprRecord): StreamValue;
  /** Session merging (Kafka's Merger): two sessions' aggregates into one. */
  merge(a: StreamValue, b: StreamValue): StreamValue;
}

function mergeNumbers(kind: AggregateKind, a: StreamValue, b: StreamValue): StreamValue {
  if (a === null) return b;
  if (b === null || kind === 'latest') return b ?? a;
  const x = valueAsNumber(a);
  const y = valueAsNumber(b);
  if (kind === 'min') return Math.min(x, y);
  if (kind === 'max') return Math.max(x, y);
  return x + y;
}

export function makeAggregator(spec: AggregateSpec): Aggregator {
  const merge = (a: StreamValue, b: StreamValue) => mergeNumbers(spec.kind, a, b);
  if (spec.kind === 'count') return { add: (agg) => (typeof agg === 'number' ? agg : 0) + 1, merge };
  const of = compileExpr(spec.of ?? 'value');
  return {
    merge,
    add(agg, r) {
      const v = of(r);
      if (spec.kind === 'latest') return v;
      const n = valueAsNumber(v);
      if (Number.isNaN(n)) return agg;
      if (agg === null) return n;
      const a = valueAsNumber(agg);
      if (spec.kind === 'sum') return a + n;
      return spec.kind === 'min' ? Math.min(a, n) : Math.max(a, n);
    },
  };
}

/** One update a stateful processor forwards: Kafka's Change<V>(newValue, oldValue) on a (windowed) key. */
export interface Change {
  key: string;
  win?: Window;
  newValue: StreamValue;
  oldValue: StreamValue;
  timestampMs: number;
}

export interface Dropped {
  reason: 'null-key' | 'expired';
  win?: Window;
  message: string;
}

export interface ProcessResult {
  changes: Change[];
  dropped: Dropped[];
}

/** A store entry; exported so the UI can list a store's contents. */
export interface StoreRow {
  key: string;
  win?: Window;
  value: StreamValue;
  timestampMs: number;
}

/** Where a record was read, for Kafka's log lines. */
export interface RecordSource {
  topic: string;
  partition: number;
  offset: number;
}

const where = (s: RecordSource | undefined) =>
  s
    ? `topic=[${s.topic}] partition=[${s.partition}] offset=[${s.offset}]`
    : 'Topic, partition, and offset not known.';

const nullKey = (s: RecordSource | undefined): Dropped => ({
  reason: 'null-key',
  message: `Skipping record due to null key. ${where(s)}`,
});

/** Kafka's WARN line (AbstractKStreamTimeWindowAggregateProcessor, KStreamSessionWindowAggregate). */
function expired(
  w: Window,
  r: ExprRecord,
  s: RecordSource | undefined,
  closeMs: number,
  streamTimeMs: number,
  bracket: string,
): Dropped {
  const range = `${bracket[0]}${w.startMs},${w.endMs}${bracket[1]}`;
  return {
    reason: 'expired',
    win: w,
    message: `Skipping record for expired \u0077indow. ${where(s)} timestamp=[${r.timestamp}] \u0077indow=${range} expiration=[${closeMs}] streamTime=[${streamTimeMs}]`,
  };
}

/** An aggregation's state: plain data (Maps and plain objects), so a kernel checkpoint can copy it. */
export interface AggregateState {
  observedStreamTimeMs: number;
  rows: Map<string, StoreRow>;
  /** Records kept per key for sliding windows, whose aggregates are recomputed from their members. */
  members: Map<string, ExprRecord[]>;
}

export function initialAggregateState(): AggregateState {
  return { observedStreamTimeMs: -1, rows: new Map(), members: new Map() };
}

/** A keyed aggregation, windowed or not, working on an AggregateState it does not own. */
export class AggregateProcessor {
  private readonly aggregator: Aggregator;

  constructor(
    spec: AggregateSpec,
    readonly windows?: WindowSpec,
    readonly state: AggregateState = initialAggregateState(),
  ) {
    this.aggregator = makeAggregator(spec);
  }

  get observedStreamTimeMs(): number {
    return this.state.observedStreamTimeMs;
  }

  get rows(): Map<string, StoreRow> {
    return this.state.rows;
  }

  /** `source`: where the record was read, quoted in the drop messages as Kafka logs them. */
  process(r: ExprRecord, source?: RecordSource): ProcessResult {
    if (r.key === null) return { changes: [], dropped: [nullKey(source)] };
    if (r.timestamp > this.state.observedStreamTimeMs) {
      this.state.observedStreamTimeMs = r.timestamp;
      this.expire();
    }
    const w = this.windows;
    if (!w) return this.update(r.key, undefined, r);
    if (w.type === 'session') return this.session(r, source, w.gapMs, w.graceMs);
    if (w.type === 'sliding') return this.sliding(r, source, w.differenceMs, w.graceMs);
    const out: ProcessResult = { changes: [], dropped: [] };
    const closeMs = this.observedStreamTimeMs - w.graceMs;
    for (const win of windowsForRecord(w, r.timestamp)) {
      if (timeWindowOpen(win.endMs, this.observedStreamTimeMs, w.graceMs)) {
        out.changes.push(...this.update(r.key, win, r).changes);
      } else {
        out.dropped.push(expired(win, r, source, closeMs, this.observedStreamTimeMs, '[)'));
      }
    }
    return out;
  }

  /**
   * The store's retention: a time range no record can update any more is gone from the store, as
   * Kafka's segmented window stores drop expired segments (retention = size + grace by default).
   * Sessions are kept: a late record may still merge with a closed session that Kafka's coarse
   * segments have not dropped yet, which a precise purge would get wrong.
   */
  private expire(): void {
    const w = this.windows;
    if (!w || w.type === 'session') return;
    const st = this.state.observedStreamTimeMs;
    for (const [id, row] of this.state.rows) {
      const end = row.win!.endMs;
      // Sliding stores keep 2 × difference + grace behind stream time (KStreamSlidingWindowAggregate).
      const gone =
        w.type === 'sliding'
          ? row.win!.startMs < st - 2 * w.differenceMs - w.graceMs
          : !timeWindowOpen(end, st, w.graceMs);
      if (gone) this.state.rows.delete(id);
    }
  }

  private rowId(key: string, win?: Window): string {
    return win ? `${win.startMs}:${win.endMs}:${key}` : key;
  }

  private update(key: string, win: Window | undefined, r: ExprRecord): ProcessResult {
    const id = this.rowId(key, win);
    const old = this.rows.get(id);
    const value = this.aggregator.add(old?.value ?? null, r);
    const timestampMs = Math.max(old?.timestampMs ?? r.timestamp, r.timestamp);
    this.rows.set(id, { key, win, value, timestampMs });
    return {
      changes: [{ key, win, newValue: value, oldValue: old?.value ?? null, timestampMs }],
      dropped: [],
    };
  }

  private session(
    r: ExprRecord,
    source: RecordSource | undefined,
    gapMs: number,
    graceMs: number,
  ): ProcessResult {
    const key = r.key!;
    const sessions: Session<StoreRow>[] = [...this.rows.values()]
      .filter((row) => row.key === key && row.win)
      .map((row) => ({ ...row.win!, agg: row }));
    const { merged, win } = mergeSessions(sessions, r.timestamp, gapMs);
    if (sessionExpired(win.endMs, this.observedStreamTimeMs, gapMs, graceMs)) {
      return {
        changes: [],
        dropped: [
          expired(
            win,
            r,
            source,
            this.observedStreamTimeMs - gapMs - graceMs,
            this.observedStreamTimeMs,
            '[]',
          ),
        ],
      };
    }
    const changes: Change[] = [];
    let agg: StreamValue = null;
    let timestampMs = r.timestamp;
    // Kafka folds the merged sessions' aggregates together with the Merger, then adds the record.
    for (const s of merged) {
      this.rows.delete(this.rowId(key, s));
      agg = this.aggregator.merge(agg, s.agg.value);
      timestampMs = Math.max(timestampMs, s.agg.timestampMs);
      changes.push({
        key,
        win: { startMs: s.startMs, endMs: s.endMs },
        newValue: null,
        oldValue: s.agg.value,
        timestampMs: s.endMs,
      });
    }
    const value = this.aggregator.add(agg, r);
    this.rows.set(this.rowId(key, win), { key, win, value, timestampMs });
    changes.push({ key, win, newValue: value, oldValue: null, timestampMs: win.endMs });
    return { changes, dropped: [] };
  }

  private sliding(
    r: ExprRecord,
    source: RecordSource | undefined,
    differenceMs: number,
    graceMs: number,
  ): ProcessResult {
    const key = r.key!;
    if (slidingRecordExpired(r.timestamp, differenceMs, this.observedStreamTimeMs, graceMs)) {
      // Kafka logs the record's right-hand range [ts, ts + d] here.
      const w = { startMs: r.timestamp, endMs: r.timestamp + differenceMs };
      return {
        changes: [],
        dropped: [
          expired(w, r, source, this.observedStreamTimeMs - graceMs, this.observedStreamTimeMs, '[]'),
        ],
      };
    }
    // Members older than any window that can still change are forgotten (the store's retention).
    const horizonMs = this.observedStreamTimeMs - graceMs - 2 * differenceMs - 1;
    const members = [...(this.state.members.get(key) ?? []).filter((m) => m.timestamp >= horizonMs), r];
    this.state.members.set(key, members);
    const changes: Change[] = [];
    for (const win of slidingWindowsFor(
      members.map((m) => m.timestamp),
      differenceMs,
    )) {
      const id = this.rowId(key, win);
      const old = this.rows.get(id);
      // Only ranges holding the new record change (and its new right-hand range); and, as in
      // updateWindowAndForward, an inclusive range takes updates only while end ≥ streamTime − grace.
      if (!windowContains(win, r.timestamp, true) && old) continue;
      if (win.endMs < this.observedStreamTimeMs - graceMs) continue;
      let value: StreamValue = null;
      let timestampMs = win.startMs;
      for (const m of members) {
        if (!windowContains(win, m.timestamp, true)) continue;
        value = this.aggregator.add(value, m);
        timestampMs = Math.max(timestampMs, m.timestamp);
      }
      this.rows.set(id, { key, win, value, timestampMs });
      changes.push({ key, win, newValue: value, oldValue: old?.value ?? null, timestampMs });
    }
    return { changes, dropped: [] };
  }

  // Store rows in Kafka's store order: by start of the time range, then key.
  contents(): StoreRow[] {
    return [...this.rows.values()].sort(
      (a, b) => (a.win?.startMs ?? 0) - (b.win?.startMs ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  }
}
