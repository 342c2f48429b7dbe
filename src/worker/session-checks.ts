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

export class SessionChecks {
  private checker = new GuaranteeChecker();
  private metrics = new MetricsTracker();
  private fed = 0;
  /** The last event fed: if the trace holds another object there, history changed. */
  private lastFed: EngineEvent | undefined;
  private version = 0;
  private sentVersion = -1;
  private signature = '0:';
  private reading: MetricReading[] = [];
  private rows = new Map<string, MetricRow>();

  update(trace: readonly (EngineEvent | undefined)[]): void {
    if (trace.length < this.fed || (this.fed > 0 && trace[this.fed - 1] !== this.lastFed)) this.restart();
    if (trace.length === this.fed) return;
    const fresh = trace.slice(this.fed);
    this.checker.feed(fresh);
    this.metrics.feed(fresh);
    this.fed = trace.length;
    this.lastFed = trace[this.fed - 1];
    // Findings can be retracted as well as added: compare the count and the newest id.
    const list = this.checker.findings();
    const signature = `${list.length}:${list.at(-1)?.id ?? ''}`;
    if (signature !== this.signature) this.version++;
    this.signature = signature;
  }

  private restart(): void {
    this.checker = new GuaranteeChecker();
    this.metrics = new MetricsTracker();
    this.fed = 0;
    this.lastFed = undefined;
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
