/**
 * The guarantee checker and Kafka's metrics, run in the worker beside the timeline (they need the
 * whole trace, which only the worker has). Fed the trace's new events after every request; when
 * the trace is no longer the one they were fed (a step back, a seek, a fork), they start over from
 * the trace as it is now, so their results always describe the playhead's past: from the latest
 * checkpoint (a copy of both, taken every `checkpointEvery` events) whose history is still the
 * trace's, or from the start. A checkpoint is kept only while the checker's state is small beside
 * the events it saves feeding again (`CHECKPOINT_MAX_SHARE`).
 */
import {
  GuaranteeChecker,
  MetricsTracker,
  offsetGrid,
  gridPartitions,
  type ClusterSnapshot,
  type EngineEvent,
  type MetricReading,
  type OffsetGrid,
} from '../engine';
import type { GuaranteeReport, MetricRow } from '../bridge/session-reports';

/** The trace as the checks read it: its length and a reader for a range (holes where unknown). */
export interface TraceSource {
  length: number;
  read(from: number, to: number): readonly (EngineEvent | undefined)[];
}

/** Events fed between two looks at the budget (fewer under a budget: a chunk of produce-heavy events read back from paged-out trace took 8–22 ms at 1024). */
const FEED_CHUNK = 1024;
const BUDGETED_FEED_CHUNK = 256;
/**
 * A checkpoint is kept only when its copy is small beside the feeding it saves: at most this
 * share of the events fed since the previous one, in records followed. A copy costs more per
 * record (~1.1 µs) than feeding costs per event (~1.4 µs), and it comes in one piece, while feeding
 * again goes in slices between requests; in a produce-heavy session of 100 000 events (100 000
 * records) the five copies taken while catching up held the worker ~700 ms in 20–230 ms pieces.
 * A long light session (an hour, 585 000 events, 3 600 records) keeps them.
 */
const CHECKPOINT_MAX_SHARE = 0.5;

interface Checkpoint {
  fed: number;
  checker: GuaranteeChecker;
  metrics: MetricsTracker;
}

/**
 * A deep copy of a checker's state (plain data, Maps and arrays) with its class kept, and the class
 * of each field that is an object of a class of its own (the checker's StreamsApps): structuredClone
 * keeps data and shared references, not prototypes.
 */
function copyOf<T extends object>(x: T): T {
  const data = structuredClone({ ...x }) as Record<string, unknown>;
  for (const [key, value] of Object.entries(x)) {
    if (typeof value !== 'object' || value === null || value instanceof Map || value instanceof Set) continue;
    const proto = Object.getPrototypeOf(value) as object | null;
    const copy = data[key];
    if (proto !== Object.prototype && proto !== Array.prototype && typeof copy === 'object' && copy !== null)
      Object.setPrototypeOf(copy, proto);
  }
  return Object.assign(Object.create(Object.getPrototypeOf(x) as object) as T, data);
}

/**
 * Checkpoints kept: when full, every other one is dropped, so they stay spread over the trace. Each
 * is a copy of the checker's whole state, and the gap grows with the trace (a quarter of it), so a
 * long session keeps a few copies and copies O(n log n) in all.
 */
const MAX_CHECKPOINTS = 4;

export class SessionChecks {
  /** How many events were fed again from scratch or from a checkpoint, for tests. */
  refedEvents = 0;
  /** Checkpoints not taken because the copy would have cost more than it saves, for tests. */
  skippedCheckpoints = 0;
  private checkpoints: Checkpoint[] = [];
  private checkpointEvery: number;
  private nextCheckpoint: number;
  constructor(checkpointEvery = 20_000) {
    this.checkpointEvery = checkpointEvery;
    this.nextCheckpoint = checkpointEvery;
  }

  /** Where the kept checkpoints are (events fed), for tests. */
  checkpointsAt(): number[] {
    return this.checkpoints.map((c) => c.fed);
  }

  private checker = new GuaranteeChecker();
  private metrics = new MetricsTracker();
  private fed = 0;
  /** The trace was cut below `fed` since the last update: start over. */
  private cutBelowFed = false;
  private version = 0;
  private sentVersion = -1;
  private signature = '0:';
  private reading: MetricReading[] = [];
  private rows = new Map<string, MetricRow>();

  /**
   * Feed the events the checks have not seen. `trace`: its length and a reader (paged-out events
   * read back). The timeline tells `traceCut` when it goes back; past what was fed, the checks
   * start over from the latest checkpoint still in the trace's past, or from the start. With a
   * `budget` it may stop part way (a restart over a long trace): true when the checks have seen
   * the whole trace.
   */
  update(trace: TraceSource, budget?: { exhausted(): boolean }): boolean {
    if (trace.length < this.fed || this.cutBelowFed) {
      this.restart(trace.length);
      this.refedEvents += trace.length - this.fed;
    }
    if (trace.length === this.fed) return true;
    // A chunk at a time, so a restart over a long trace never holds it all decoded at once, and
    // a budget can stop it part way (the host goes on between requests). Chunks end on checkpoint
    // boundaries, so a copy can be taken at each.
    while (this.fed < trace.length) {
      const next = this.nextCheckpoint;
      const to = Math.min(trace.length, this.fed + (budget ? BUDGETED_FEED_CHUNK : FEED_CHUNK), next);
      const fresh = trace.read(this.fed, to);
      this.checker.feed(fresh);
      this.metrics.feed(fresh);
      this.fed = to;
      if (to === next) this.checkpoint();
      if (this.fed < trace.length && budget?.exhausted()) break;
    }
    // Findings can be retracted as well as added: compare the count and the newest id.
    const list = this.checker.findings();
    const signature = `${list.length}:${list.at(-1)?.id ?? ''}`;
    if (signature !== this.signature) this.version++;
    this.signature = signature;
    return this.fed === trace.length;
  }

  /**
   * The next `update` over a trace of `length` events starts over (from a checkpoint: a deep copy
   * of the checker, then the events since fed again), which costs far more than a frame at 100 000
   * events and cannot stop part way.
   */
  mustRestart(length: number): boolean {
    return length < this.fed || this.cutBelowFed;
  }

  /** The trace was cut back to `length` (the timeline went back): what was fed past it may change. */
  traceCut(length: number): void {
    if (length < this.fed) this.cutBelowFed = true;
    // A copy taken past the cut describes a future that is no longer this trace's.
    this.checkpoints = this.checkpoints.filter((c) => c.fed <= length);
  }

  private checkpoint(): void {
    const every = this.checkpointEvery;
    this.nextCheckpoint = this.fed + Math.max(every, Math.floor(this.fed / 4 / every) * every);
    const since = this.fed - (this.checkpoints.at(-1)?.fed ?? 0);
    if (this.checker.recordsFollowed() > since * CHECKPOINT_MAX_SHARE) {
      this.skippedCheckpoints++;
      return; // copying would cost more than feeding again
    }
    try {
      this.checkpoints.push({ fed: this.fed, checker: copyOf(this.checker), metrics: copyOf(this.metrics) });
    } catch {
      return; // state that cannot be copied: step backs start from the beginning, as before
    }
    if (this.checkpoints.length > MAX_CHECKPOINTS)
      this.checkpoints = this.checkpoints.filter((_, i) => i % 2 === 1);
  }

  /** Start over from the latest checkpoint still in the trace's past (traceCut drops the others). */
  private restart(length: number): void {
    this.checkpoints = this.checkpoints.filter((c) => c.fed <= length);
    const from = this.checkpoints.at(-1);
    this.checker = from ? copyOf(from.checker) : new GuaranteeChecker();
    this.metrics = from ? copyOf(from.metrics) : new MetricsTracker();
    this.fed = from?.fed ?? 0;
    this.cutBelowFed = false;
    this.nextCheckpoint = this.fed + this.checkpointEvery;
    const list = this.checker.findings();
    this.signature = `${list.length}:${list.at(-1)?.id ?? ''}`;
    this.reading = [];
    this.rows.clear();
    this.version++;
  }

  /** What a batch carries: metrics always, findings when they changed (or `force`). */
  report(snapshot: ClusterSnapshot, force: boolean): GuaranteeReport {
    const reading = this.metrics.read(snapshot, this.reading);
    this.reading = reading;
    const metrics = reading.map((m) => {
      const key = `${m.name}|${m.scope}`;
      const before = this.rows.get(key);
      const row: MetricRow =
        m.delta !== null && m.delta !== 0
          ? { ...m, changedAtMs: snapshot.nowMs }
          : {
              ...m,
              delta: before?.delta ?? null,
              changedAtMs: before?.changedAtMs ?? null,
              cause: before?.cause ?? m.cause,
            };
      this.rows.set(key, row);
      return row;
    });
    const changed = force || this.sentVersion !== this.version;
    this.sentVersion = this.version;
    return {
      version: this.version,
      metrics,
      partitions: gridPartitions(this.checker),
      ...(changed ? { findings: [...this.checker.findings()] } : {}),
    };
  }

  grid(topic: string, partition: number, from: number | undefined, width: number): OffsetGrid | null {
    return offsetGrid(this.checker, topic, partition, { ...(from === undefined ? {} : { from }), width });
  }
}
