/**
 * The guarantee checker's findings: what went wrong (or what the configuration allowed to go
 * "wrong"), where, when, and the trace steps that caused it.
 */

export type FindingKind =
  /** An acknowledged record is no longer in the partition's log. */
  | 'lost-write'
  /** One send is in the log at two offsets. */
  | 'duplicate'
  /** Two sends with the same key landed in the opposite order to the one they were sent in. */
  | 'reorder'
  /** A consumer saw a record of an aborted transaction. */
  | 'aborted-read'
  /** A read_committed consumer saw a transaction's writes before the transaction committed. */
  | 'uncommitted-read'
  /** A consumer saw a record at or above every high watermark the partition ever had. */
  | 'read-above-hw'
  /** A group read past an acknowledged record that none of its members ever received. */
  | 'unseen';

/** `allowed`: the configuration in force does not promise against it. `violation`: it does. */
export type Verdict = 'allowed' | 'violation';

/** A trace event that helped cause a finding: the playhead can go there. */
export interface FindingStep {
  seq: number;
  atMs: number;
  /** What happened at this step, in a few words ("p1 acknowledged offset 7"). */
  label: string;
}

export interface Finding {
  /** Stable across runs of the same trace: kind, partition, offset (and node). */
  id: string;
  kind: FindingKind;
  verdict: Verdict;
  topic: string;
  partition: number;
  /** The offset the finding is about (the first copy, for a duplicate). */
  offset: number;
  /** Further offsets involved (the second copy of a duplicate, the other record of a reorder). */
  otherOffsets: number[];
  producer: string | null;
  consumer: string | null;
  /** Seq and time of the event at which the checker knew. */
  seq: number;
  atMs: number;
  /** What happened, in plain sentences. */
  sentences: string[];
  /** Why the verdict: the configuration that allows it, or the promise it breaks. */
  because: string;
  /** The steps that caused it, in trace order. */
  steps: FindingStep[];
}

/** Human names of the kinds, for lists and verdict lines. */
export const FINDING_TITLES: Record<FindingKind, string> = {
  'lost-write': 'Lost acknowledged write',
  duplicate: 'Duplicate',
  reorder: 'Reordered within a key',
  'aborted-read': 'Aborted read',
  'uncommitted-read': 'Uncommitted read',
  'read-above-hw': 'Read above the high watermark',
  unseen: 'Acknowledged but never read',
};

export const FINDING_KINDS = Object.keys(FINDING_TITLES) as FindingKind[];

/** Seconds with millisecond precision, as the findings' sentences print times. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}
