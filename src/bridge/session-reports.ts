/**
 * Plain data the worker reports about a session and the page reads: where the session stands
 * (stored with it) and what its guarantee checks and metrics say (carried by every batch).
 */
import type { Finding, MetricReading } from '../engine';

/** Where the learner was: exactly (actions) and the clock; `commands` guards against torn writes. */
export interface StoredPosition {
  actions: number;
  nowMs: number;
  /** Commands applied at this position: never more than the stored command log holds. */
  commands: number;
}

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
