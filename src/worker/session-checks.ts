/**
 * The guarantee checker and Kafka's metrics, run in the worker beside the timeline (they need the
 * whole trace, which only the worker has). Fed the trace's new events after every request; when
 * the trace is no longer the one they were fed (a step back, a seek, a fork), they start over from
 * the trace as it is now, so their results always describe the playhead's past.
 */
import {
  GuaranteeChecker,
  MetricsTracker,
  offsetGrid,
  gridPartitions,
  type ClusterSnapshot,
  type EngineEvent,
  type Finding,
  type MetricReading,
  type OffsetGrid,
} from '../engine';

/** A metric as the UI shows it: the last change (delta, cause and time) stays until the next one. */
export interface MetricRow extends MetricReading {
  changedAtMs: number | null;
}

export interface GuaranteeReport {
  /** Bumped when the findings change (the batch carries `findings` only then). */
  version: number;
  findings?: Finding[];
  metrics: MetricRow[];
  /** Partitions with records, for the grid's picker. */
  partitions: { topic: string; partition: number }[];
}

/** The trace as the checks read it: its length and a reader for a range (holes where unknown). */
export interface TraceSource {
  length: number;
  read(from: number, to: number): readonly (EngineEvent | undefined)[];
}

/** Events fed between two looks at the budget. */
const FEED_CHUNK = 1024;

export class SessionChecks {
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
   * start over from the trace as it is now. With a `budget` it may stop part way (a restart over
   * a long trace): true when the checks have seen the whole trace.
   */
  update(trace: TraceSource, budget?: { exhausted(): boolean }): boolean {
    if (trace.length < this.fed || this.cutBelowFed) this.restart();
    if (trace.length === this.fed) return true;
    // A chunk at a time, so a restart over a long trace never holds it all decoded at once, and
    // a budget can stop it part way (the host goes on between requests).
    while (this.fed < trace.length) {
      const to = Math.min(trace.length, this.fed + FEED_CHUNK);
      const fresh = trace.read(this.fed, to);
      this.checker.feed(fresh);
      this.metrics.feed(fresh);
      this.fed = to;
      if (this.fed < trace.length && budget?.exhausted()) break;
    }
    // Findings can be retracted as well as added: compare the count and the newest id.
    const list = this.checker.findings();
    const signature = `${list.length}:${list.at(-1)?.id ?? ''}`;
    if (signature !== this.signature) this.version++;
    this.signature = signature;
    return this.fed === trace.length;
  }

  /** The trace was cut back to `length` (the timeline went back): what was fed past it may change. */
  traceCut(length: number): void {
    if (length < this.fed) this.cutBelowFed = true;
  }

  private restart(): void {
    this.checker = new GuaranteeChecker();
    this.metrics = new MetricsTracker();
    this.fed = 0;
    this.cutBelowFed = false;
    this.signature = '0:';
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
